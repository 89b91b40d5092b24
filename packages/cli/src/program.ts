import { createRequire } from 'node:module';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { isCommandName } from '@nemesisdb/protocol';
import { colorEnabled, colors } from './colors.js';
import { DEFAULT_URL, SettingsError, normalizeUrl, readCa, type ConnectionSettings } from './connection.js';
import { ExitCode } from './exit-codes.js';
import { helpFor, helpIndex } from './help.js';
import { HistoryFile, historyPath } from './history.js';
import { runLatency } from './latency.js';
import { runOneShot } from './one-shot.js';
import { complain, type Output } from './output.js';
import { runPipe } from './pipe.js';
import { runRepl } from './repl.js';
import { runStat } from './stat.js';

/** Where `run` reads and writes; the process's own streams by default (tests pass their own). */
export interface Io {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C, which ends --latency and --stat with their figures. */
  interrupt: AbortSignal;
  /** Called by the modes that end on `interrupt` (the others leave Ctrl-C to end the process). */
  catchInterrupt?: () => void;
}

interface CliOptions {
  url?: string;
  token?: string;
  ca?: string;
  connectTimeout: number;
  timeout: number;
  pipeTimeout: number;
  raw?: boolean;
  failOnStatus?: boolean;
  pipe?: boolean;
  pipeWindow: number;
  latency?: boolean;
  stat?: boolean;
  interval?: number;
  count?: number;
  color: boolean;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of seconds ≥ 0');
  return n;
}

function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
}

/**
 * The first argument is the server when it looks like an address — `ws://…`, `host:port`,
 * `localhost`, a dotted name or address — never a command name (letters, digits and `_`) or a
 * request (`{…}`).
 */
export function looksLikeAddress(arg: string): boolean {
  if (/^wss?:\/\//i.test(arg)) return true;
  if (/^\[[0-9a-f:]+\](:\d+)?$/i.test(arg)) return true;
  const match = /^([\w.-]+)(:\d+)?(\/\S*)?$/.exec(arg);
  return match !== null && (match[2] !== undefined || match[1] === 'localhost' || match[1]!.includes('.'));
}

function version(): string {
  // package.json sits one level above both src/ and dist/.
  return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
}

function program(): Command {
  return new Command('nemesisdb-cli')
    .description(
      'A terminal client for NemesisDB: an interactive prompt, one-shot commands, bulk loads (--pipe), latency and stats.\n' +
        'Without a command it starts the prompt; with one it prints the reply and exits.',
    )
    .usage('[options] [url] [command [body]]')
    .argument(
      '[args...]',
      'the server (ws://host:port, wss://…, host:port) and/or a command: SH_NEW \'{"expiry":{"duration":60}}\', SH_INFO_ALL, \'{"KV_GET":{"keys":["a"]}}\'',
    )
    .option('-u, --url <url>', `the server (default: $NEMESISDB_URL or ${DEFAULT_URL})`)
    .option('--token <token>', 'bearer token of a server that requires one (default: $NEMESISDB_TOKEN, which keeps it out of `ps`)')
    .option('--ca <file>', "PEM certificate of the CA that signed a wss:// server's certificate")
    .addOption(new Option('--connect-timeout <ms>', 'give up connecting after this long').argParser(positiveInteger).default(5000))
    .addOption(
      new Option('--timeout <seconds>', 'give up waiting for a reply after this long (0: wait as long as it takes)')
        .argParser(seconds)
        .default(0),
    )
    .option('--raw', 'print replies exactly as received, one line each')
    .option('--fail-on-status', 'exit with 1 when a reply has a status other than success')
    .option('--pipe', 'read one request per line from stdin and send them pipelined; print a summary')
    .addOption(new Option('--pipe-window <n>', 'requests in flight at once in --pipe mode').argParser(positiveInteger).default(1000))
    .addOption(
      new Option('--pipe-timeout <seconds>', 'end --pipe when no reply has come for this long (0: never)').argParser(seconds).default(30),
    )
    .option('--latency', 'measure SV_INFO round trips continuously: min/avg/max/p99 in ms')
    .option('--stat', 'a line per second: sessions, keys, connections, ops/s, memory (from /health and /metrics)')
    .addOption(
      new Option('-i, --interval <ms>', 'pause between --latency samples (default 10) or --stat lines (default 1000)').argParser(
        nonNegativeInteger,
      ),
    )
    .addOption(new Option('-n, --count <n>', 'stop --latency or --stat after this many samples or lines').argParser(positiveInteger))
    .option('--no-color', 'no colours (also: NO_COLOR set, or output that is not a terminal)')
    .version(version(), '-V, --version')
    .addHelpText(
      'after',
      `
Examples:
  nemesisdb-cli                                  the prompt, on ${DEFAULT_URL}
  nemesisdb-cli ws://10.0.0.5:1987               the prompt, on another server
  nemesisdb-cli SH_NEW '{"expiry":{"duration":60,"deleteSession":true}}'
  nemesisdb-cli --raw KV_GET '{"keys":["a"]}'    the reply as the server sent it
  nemesisdb-cli --pipe < load.jsonl              bulk load: one request per line
  nemesisdb-cli --latency                        round-trip times, until Ctrl-C
  nemesisdb-cli --stat -u wss://db.example:1987 --ca ca.pem

Exit status: 0 done; 1 a status other than success (--fail-on-status) or --pipe errors;
2 bad usage or input; 3 the server could not be reached or the connection was lost.
History: ~/.nemesisdb_cli_history (NEMESISDB_CLI_HISTORY names another file; empty: none).`,
    );
}

/** Runs the CLI on `argv` (without the node and script paths) and resolves with its exit status. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const stdoutColor = colorEnabled(io.stdout, argv.includes('--no-color') ? false : undefined, io.env);
  const stderrColor = colorEnabled(io.stderr, argv.includes('--no-color') ? false : undefined, io.env);
  const output: Output = { out: io.stdout, err: io.stderr, c: colors(stdoutColor), ce: colors(stderrColor) };

  const cli = program()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text) => complain(output, text.replace(/^error: /, '').trimEnd()),
    });
  try {
    cli.parse(argv as string[], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    throw error;
  }
  const options = cli.opts<CliOptions>();
  const args = [...(cli.processedArgs[0] as string[])];

  let settings: ConnectionSettings;
  try {
    let url = options.url ?? io.env.NEMESISDB_URL ?? DEFAULT_URL;
    if (args.length > 0 && looksLikeAddress(args[0]!)) {
      if (options.url !== undefined) throw new SettingsError('the server is given twice (-u and an argument)');
      url = args.shift()!;
    }
    settings = {
      url: normalizeUrl(url),
      token: options.token ?? (io.env.NEMESISDB_TOKEN || undefined),
      ca: readCa(options.ca),
      connectTimeoutMs: options.connectTimeout,
      replyTimeoutMs: Math.round(options.timeout * 1000),
    };
  } catch (error) {
    if (error instanceof SettingsError) {
      complain(output, error.message);
      return ExitCode.Usage;
    }
    throw error;
  }

  const modes = [options.pipe && '--pipe', options.latency && '--latency', options.stat && '--stat', args.length > 0 && 'a command'].filter(
    Boolean,
  );
  if (modes.length > 1) {
    complain(output, `choose one of ${modes.join(', ')}`);
    return ExitCode.Usage;
  }
  const failOnStatus = options.failOnStatus === true;
  if (options.pipe)
    return runPipe(
      settings,
      { window: options.pipeWindow, failOnStatus, timeoutMs: Math.round(options.pipeTimeout * 1000), input: io.stdin },
      output,
    );
  if (options.latency || options.stat) io.catchInterrupt?.();
  if (options.latency) return runLatency(settings, { intervalMs: options.interval ?? 10, count: options.count }, output, io.interrupt);
  if (options.stat) return runStat(settings, { intervalMs: options.interval ?? 1000, count: options.count }, output, io.interrupt);
  if (args[0]?.toLowerCase() === 'help') {
    // `nemesisdb-cli help SH_NEW`: the REPL's help, without connecting.
    io.stdout.write(`${args[1] === undefined ? helpIndex(output.c) : helpFor(args[1], output.c)}\n`);
    return args[1] === undefined || isCommandName(args[1].toUpperCase()) ? ExitCode.Ok : ExitCode.Usage;
  }
  if (args.length > 0) return runOneShot(settings, args, { raw: options.raw === true, failOnStatus }, output);
  const history = new HistoryFile(historyPath(io.env), (message) => complain(output, message));
  return runRepl(settings, { raw: options.raw === true, failOnStatus, input: io.stdin, history }, output);
}
