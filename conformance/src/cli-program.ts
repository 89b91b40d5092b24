// The `nemesisdb-conformance` command line (commander). Kept apart from cli.ts so tests can run
// it in-process with their own output streams.
import { appendFileSync, createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { extractFromDocs, loadCorpus } from './corpus.js';
import { combineListeners, createReporter, REPORTERS, type ReporterName } from './reporters/index.js';
import { WRITE_WARNING, type Output } from './reporters/output.js';
import { markdownReporter } from './reporters/markdown.js';
import { progressReporter } from './reporters/pretty.js';
import { DEFAULT_TIMEOUT_MS, runSuite, type RunListener } from './run.js';
import { PROFILES, matchesPattern, parseSkipFile, selectCases, unmatchedRules, type Profile, type SkipRule } from './select.js';
import { PROFILE_DEFAULTS, type SettingsInput } from './settings.js';
import type { Case } from './types.js';
import { VERSION } from './version.js';

export { VERSION };

export interface CliIo {
  readonly stdout: Output;
  readonly stderr: Output;
}

/**
 * Exit codes. 0: every case that ran passed, or failed as the expect-fail list says it must.
 * 1: a case failed, or a case of the expect-fail list passed. 2: the run could not judge the
 * server: bad usage, an unreadable file, an expect-fail or skip entry that matches no case, no
 * case selected, or a server that cannot be reached or does not answer SV_INFO.
 */
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
  maxPayload?: number | 'unknown';
  persistence?: 'on' | 'off' | 'unknown';
  expectFail?: string;
  reportMd?: string;
  timeout: number;
  docs?: string;
  list?: boolean;
  token?: string;
  ca?: string;
}

const HELP_AFTER = `
${WRITE_WARNING}

Server settings: --max-payload defaults to the profile's (default ${PROFILE_DEFAULTS.default.maxPayload},
v0.7.4 ${PROFILE_DEFAULTS['v0.7.4'].maxPayload}, upstream's shipped config); --persistence defaults to what SV_INFO
reports (persistEnabled). Cases that depend on a setting given as "unknown" are
skipped with that reason; SAVE cases need persistence on, persistence-off cases
need it off.

Expected failures (--expect-fail): same format as a skip file; those cases
run and must fail. One that passes fails the run, so the list stays honest.

Markdown report: --report-md FILE, and appended to $GITHUB_STEP_SUMMARY when
that is set.

Examples:
  nemesisdb-conformance ws://127.0.0.1:1987
  nemesisdb-conformance ws://127.0.0.1:1987 --profile v0.7.4 --max-payload 8192
  nemesisdb-conformance ws://127.0.0.1:1987 --tags expiry,SH_NEW --reporter tap
  nemesisdb-conformance ws://127.0.0.1:1987 --reporter junit --output conformance.xml
  nemesisdb-conformance --list --tags '!destructive'

Exit code: 0 when every case that ran passed (or failed as expected), 1 when a
case failed or an expected failure passed, 2 when the run could not judge the
server (bad usage, unreadable or stale list files, no case selected, server
unreachable).`;

/** Runs the command line; resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command('nemesisdb-conformance')
    .description('Replays the documented NemesisDB examples against a server and reports which pass.')
    .argument('[ws-url]', 'the server, e.g. ws://127.0.0.1:1987')
    .addOption(new Option('--reporter <name>', 'report format').choices(REPORTERS).default('pretty'))
    .option('--output <file>', 'write the report to a file; progress and the summary go to stdout')
    .option('--only <pattern>', 'run only cases whose id or title matches (substring, or glob with *); repeatable', collect, [])
    .option('--skip-file <file>', 'skip the cases listed there: one id or pattern per line, "# reason" after it')
    .option('--expect-fail <file>', 'cases that must fail (same format as --skip-file); the run fails when one passes')
    .option('--tags <tags>', 'run only cases with any of these comma-separated tags; !tag leaves a tag out')
    .addOption(new Option('--profile <name>', 'default: this project; v0.7.4: C++ NemesisDB v0.7.4').choices(PROFILES).default('default'))
    .option(
      '--max-payload <bytes>',
      'the server\'s maxPayload, for the message-size cases, or "unknown" (default: the profile\'s)',
      bytesOrUnknown,
    )
    .addOption(
      new Option('--persistence <state>', 'whether the server has persistence enabled (default: what SV_INFO reports)').choices([
        'on',
        'off',
        'unknown',
      ]),
    )
    .option('--report-md <file>', 'write the Markdown compatibility report there (also appended to $GITHUB_STEP_SUMMARY when set)')
    .option('--timeout <ms>', 'how long to wait for each reply', positiveInt, DEFAULT_TIMEOUT_MS)
    .option('--token <token>', 'bearer token of a server that requires one (or NEMESISDB_TOKEN)')
    .option('--ca <file>', "PEM certificate of the CA that signed a wss:// server's certificate")
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
  let expectFail: SkipRule[] = [];
  try {
    cases = flags.docs === undefined ? loadCorpus().cases : extractFromDocs(flags.docs);
    if (flags.skipFile !== undefined) skip = parseSkipFile(readFileSync(flags.skipFile, 'utf8'));
    if (flags.expectFail !== undefined) expectFail = parseSkipFile(readFileSync(flags.expectFail, 'utf8'));
  } catch (error) {
    io.stderr.write(`nemesisdb-conformance: ${(error as Error).message}\n`);
    return EXIT_ERROR;
  }
  // A list entry that matches no case is a typo or a case that was renamed: the list would judge
  // nothing while looking as if it did.
  for (const [option, rules] of [
    ['--skip-file', skip],
    ['--expect-fail', expectFail],
  ] as const) {
    const stale = unmatchedRules(cases, rules);
    if (stale.length > 0) {
      io.stderr.write(`nemesisdb-conformance: ${option} entries that match no case: ${stale.map((r) => r.pattern).join(', ')}\n`);
      return EXIT_ERROR;
    }
  }
  const select = {
    profile: flags.profile,
    only: flags.only,
    tags: flags.tags?.split(',').map((t) => t.trim()) ?? [],
    skip,
  };

  const selection = selectCases(cases, select);
  if (flags.list) {
    for (const { case: c, skipReason } of selection.cases) {
      const expected = expectFail.find((rule) => matchesPattern(c, rule.pattern));
      const note = skipReason ? `  (skip: ${skipReason})` : expected ? `  (expected to fail: ${expected.reason})` : '';
      io.stdout.write(`${c.id}  [${c.tags.join(' ')}]${note}\n`);
    }
    return EXIT_PASSED;
  }
  if (selection.cases.length === 0) {
    io.stderr.write('nemesisdb-conformance: no case matches the profile and filters (see --list)\n');
    return EXIT_ERROR;
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
  let markdown = '';
  const stepSummary = process.env['GITHUB_STEP_SUMMARY'] || undefined;
  if (flags.reportMd !== undefined || stepSummary !== undefined)
    listeners.push(markdownReporter({ write: (text: string) => (markdown += text) }));
  if (flags.reporter !== 'pretty' || file) {
    const progressOut = file ? io.stdout : io.stderr;
    if (!(flags.reporter === 'tap' && !file)) listeners.push(progressReporter(progressOut));
  }

  const settings: SettingsInput = { maxPayload: flags.maxPayload, persistence: flags.persistence };
  try {
    const outcome = await runSuite({
      url,
      cases,
      ...select,
      ...settings,
      expectFail,
      timeoutMs: flags.timeout,
      access: {
        token: flags.token ?? (process.env.NEMESISDB_TOKEN || undefined),
        ca: flags.ca === undefined ? undefined : readFileSync(flags.ca, 'utf8'),
      },
      listener: combineListeners(...listeners),
    });
    writeMarkdown(markdown, flags.reportMd, stepSummary, io);
    return outcome.summary.failed > 0 ? EXIT_FAILED : EXIT_PASSED;
  } catch (error) {
    const message = (error as Error).message;
    io.stderr.write(`nemesisdb-conformance: ${message}\n`);
    writeMarkdown(`## NemesisDB conformance: ⚠️ could not run\n\n${message.replace(/\s*\n\s*/g, ' ')}\n`, flags.reportMd, stepSummary, io);
    return EXIT_ERROR;
  } finally {
    if (file) await new Promise<void>((resolve) => file.end(resolve));
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The report file is replaced; a step summary collects every step's, so it is appended to. */
function writeMarkdown(markdown: string, file: string | undefined, stepSummary: string | undefined, io: CliIo): void {
  try {
    if (file !== undefined) writeFileSync(file, markdown);
    if (stepSummary !== undefined) appendFileSync(stepSummary, `${markdown}\n`);
  } catch (error) {
    io.stderr.write(`nemesisdb-conformance: cannot write the Markdown report: ${(error as Error).message}\n`);
  }
}

function bytesOrUnknown(value: string): number | 'unknown' {
  return value === 'unknown' ? 'unknown' : positiveInt(value);
}

function positiveInt(value: string): number {
  if (!/^[1-9][0-9]*$/.test(value)) throw new InvalidArgumentError('expected a positive integer');
  return Number(value);
}
