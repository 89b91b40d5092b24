// The `nemesisdb-conformance` command line (commander). Kept apart from cli.ts so tests can run
// it in-process with their own output streams.
import { createWriteStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { extractFromDocs, loadCorpus } from './corpus.js';
import { combineListeners, createReporter, REPORTERS, type ReporterName } from './reporters/index.js';
import { WRITE_WARNING, type Output } from './reporters/output.js';
import { progressReporter } from './reporters/pretty.js';
import { DEFAULT_MAX_PAYLOAD, DEFAULT_TIMEOUT_MS, runSuite, type RunListener } from './run.js';
import { PROFILES, parseSkipFile, selectCases, type Profile, type SkipRule } from './select.js';
import type { Case } from './types.js';

/** src/ and dist/ both sit one level below package.json. */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

export interface CliIo {
  readonly stdout: Output;
  readonly stderr: Output;
}

/** Exit codes: 0 every case run passed, 1 a case failed, 2 bad usage or the server could not be reached. */
export const EXIT_PASSED = 0;
export const EXIT_FAILED = 1;
export const EXIT_ERROR = 2;

interface Flags {
  reporter: ReporterName;
  output?: string;
  only: string[];
  skipFile?: string;
  tags?: string;
  profile: Profile;
  maxPayload: number;
  timeout: number;
  docs?: string;
  list?: boolean;
  token?: string;
  ca?: string;
}

const HELP_AFTER = `
${WRITE_WARNING}

Cases that save datasets need SV_INFO to report persistEnabled:true and are
skipped otherwise; cases tagged persistence-off need it false.

Examples:
  nemesisdb-conformance ws://127.0.0.1:1987
  nemesisdb-conformance ws://127.0.0.1:1987 --profile v0.7.4 --max-payload 8192
  nemesisdb-conformance ws://127.0.0.1:1987 --tags expiry,SH_NEW --reporter tap
  nemesisdb-conformance ws://127.0.0.1:1987 --reporter junit --output conformance.xml
  nemesisdb-conformance --list --tags '!destructive'

Exit code: 0 when no case failed, 1 when one did, 2 on bad usage or when the
server cannot be reached.`;

/** Runs the command line; resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command('nemesisdb-conformance')
    .description('Replays the documented NemesisDB examples against a server and reports which pass.')
    .argument('[ws-url]', 'the server, e.g. ws://127.0.0.1:1987')
    .addOption(new Option('--reporter <name>', 'report format').choices(REPORTERS).default('pretty'))
    .option('--output <file>', 'write the report to a file; progress and the summary go to stdout')
    .option('--only <pattern>', 'run only cases whose id or title matches (substring, or glob with *); repeatable', collect, [])
    .option('--skip-file <file>', 'skip the cases listed there: one id or pattern per line, "# reason" after it')
    .option('--tags <tags>', 'run only cases with any of these comma-separated tags; !tag leaves a tag out')
    .addOption(new Option('--profile <name>', 'default: this project; v0.7.4: C++ NemesisDB v0.7.4').choices(PROFILES).default('default'))
    .option('--max-payload <bytes>', "the server's maxPayload, for the message-size cases", positiveInt, DEFAULT_MAX_PAYLOAD)
    .option('--timeout <ms>', 'how long to wait for each reply', positiveInt, DEFAULT_TIMEOUT_MS)
    .option('--token <token>', 'bearer token of a server that requires one (or NEMESISDB_TOKEN)')
    .option('--ca <file>', 'PEM certificate of the CA that signed a wss:// server\'s certificate')
    .option('--docs <dir>', 'read cases from this docs tree instead of the corpus shipped in the package')
    .option('--list', 'print the selected cases and their tags, and exit without a server')
    .version(VERSION, '-v, --version')
    .addHelpText('after', HELP_AFTER)
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(text) });

  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_PASSED : EXIT_ERROR;
    throw error;
  }
  const flags = program.opts<Flags>();
  const url = program.args[0];

  let cases: readonly Case[];
  let skip: SkipRule[] = [];
  try {
    cases = flags.docs === undefined ? loadCorpus().cases : extractFromDocs(flags.docs);
    if (flags.skipFile !== undefined) skip = parseSkipFile(readFileSync(flags.skipFile, 'utf8'));
  } catch (error) {
    io.stderr.write(`nemesisdb-conformance: ${(error as Error).message}\n`);
    return EXIT_ERROR;
  }
  const select = {
    profile: flags.profile,
    only: flags.only,
    tags: flags.tags?.split(',').map((t) => t.trim()) ?? [],
    skip,
  };

  if (flags.list) {
    for (const { case: c, skipReason } of selectCases(cases, select).cases) {
      io.stdout.write(`${c.id}  [${c.tags.join(' ')}]${skipReason ? `  (skip: ${skipReason})` : ''}\n`);
    }
    return EXIT_PASSED;
  }
  if (url === undefined) {
    io.stderr.write('nemesisdb-conformance: missing the server URL, e.g. ws://127.0.0.1:1987 (see --help)\n');
    return EXIT_ERROR;
  }
  if (!/^wss?:\/\//.test(url)) {
    io.stderr.write(`nemesisdb-conformance: "${url}" is not a ws:// or wss:// URL\n`);
    return EXIT_ERROR;
  }

  // Machine-readable reports appear at the end; progress goes where it does not mix with them.
  const file = flags.output === undefined ? null : createWriteStream(flags.output);
  const reportOut: Output = file ?? io.stdout;
  const listeners: RunListener[] = [createReporter(flags.reporter, reportOut)];
  if (flags.reporter !== 'pretty' || file) {
    const progressOut = file ? io.stdout : io.stderr;
    if (!(flags.reporter === 'tap' && !file)) listeners.push(progressReporter(progressOut));
  }

  try {
    const outcome = await runSuite({
      url,
      cases,
      ...select,
      maxPayload: flags.maxPayload,
      timeoutMs: flags.timeout,
      access: {
        token: flags.token ?? (process.env.NEMESISDB_TOKEN || undefined),
        ca: flags.ca === undefined ? undefined : readFileSync(flags.ca, 'utf8'),
      },
      listener: combineListeners(...listeners),
    });
    return outcome.summary.failed > 0 ? EXIT_FAILED : EXIT_PASSED;
  } catch (error) {
    io.stderr.write(`nemesisdb-conformance: ${(error as Error).message}\n`);
    return EXIT_ERROR;
  } finally {
    if (file) await new Promise<void>((resolve) => file.end(resolve));
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveInt(value: string): number {
  if (!/^[1-9][0-9]*$/.test(value)) throw new InvalidArgumentError('expected a positive integer');
  return Number(value);
}
