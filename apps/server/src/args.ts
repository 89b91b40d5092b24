// The command line, read with commander. This module only reads the words; config.ts checks the
// values (so that flags, environment variables and the config file share one set of rules).
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { DEFAULT_HOST, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_PAYLOAD, DEFAULT_PORT } from '@nemesisdb/server';

/** This app's version (`--version`). src/ and dist/ both sit one level below package.json. */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

/**
 * The flags as given, values still text. A member is undefined when its flag was not given, so
 * that config.ts can tell "not given" from "given" and apply the precedence rules.
 */
export interface CliFlags {
  host?: string;
  port?: string;
  maxPayload?: string;
  maxConnections?: string;
  persistEnabled?: boolean;
  journal?: string;
  maxBufferedBytes?: string;
  maxDataBytes?: string;
  authTokenFile?: string;
  tlsCert?: string;
  tlsKey?: string;
  allowedOrigins?: string;
  console?: boolean;
  /** `--no-extensions`: answer exactly as v0.7.4 (no shared sessions, SH_OPEN → 10). */
  extensions?: boolean;
  store?: string;
  redisNodes?: string;
  redisKeyPrefix?: string;
  persistPath?: string;
  config?: string;
  logLevel?: string;
  /** Upstream's `--loadName=NAME`. */
  loadName?: string;
  /** Upstream's `--loadPath=DIR`. */
  loadPath?: string;
}

/** What reading the command line gave: flags to run with, or text to print and an exit code. */
export type ArgsResult =
  | { kind: 'flags'; flags: CliFlags }
  /** `--help` or `--version`: print `output` to stdout and exit with `code` (0). */
  | { kind: 'exit'; code: number; output: string }
  /** A word commander does not accept (unknown option, missing value, extra argument). */
  | { kind: 'error'; message: string };

const HELP_AFTER = `
Precedence, lowest first: embedded defaults, the --config file, environment
variables, these flags.

Environment variables:
  NEMESISDB_HOST, NEMESISDB_PORT, NEMESISDB_MAX_PAYLOAD, NEMESISDB_MAX_CONNECTIONS,
  NEMESISDB_PERSIST_ENABLED (true/false), NEMESISDB_PERSIST_PATH, NEMESISDB_LOG_LEVEL,
  NEMESISDB_JOURNAL, NEMESISDB_MAX_BUFFERED_BYTES, NEMESISDB_MAX_DATA_BYTES,
  NEMESISDB_AUTH_TOKEN, NEMESISDB_TLS_CERT, NEMESISDB_TLS_KEY, NEMESISDB_ALLOWED_ORIGINS,
  NEMESISDB_CONSOLE, NEMESISDB_EXTENSIONS, NEMESISDB_STORE, NEMESISDB_REDIS_NODES, NEMESISDB_REDIS_KEY_PREFIX

Upstream spellings work too: --config=FILE --loadName=NAME --loadPath=DIR.
SIGINT/SIGTERM stop the server gracefully (a second signal exits at once).
Logs are JSON lines on stdout (human-readable on a terminal).
`;

/** The program, built afresh per call because commander keeps parsed values on it. */
function program(): Command {
  return (
    new Command('nemesisdb')
      .description('NemesisDB server: an in-memory JSON database with sessions over WebSocket (wire compatible with C++ NemesisDB v0.7.4).')
      // Printed as is (commander wraps only the generated part).
      .addHelpText('after', HELP_AFTER)
      .version(VERSION, '-v, --version', 'print the version and exit')
      .helpOption('-h, --help', 'print this help and exit')
      // No commander defaults: an absent flag must stay undefined so lower layers can show through.
      .option('--host <address>', `interface to listen on (default ${DEFAULT_HOST})`)
      .option('--port <port>', `TCP port, 0 picks a free one (default ${DEFAULT_PORT})`)
      .option('--max-payload <bytes>', `largest inbound message, 64 to 67108864 (default ${DEFAULT_MAX_PAYLOAD})`)
      .option('--max-connections <n>', `open connections allowed (default ${DEFAULT_MAX_CONNECTIONS})`)
      .option('--persist-enabled', 'enable SH_SAVE/KV_SAVE (default off)')
      .option('--no-persist-enabled', 'disable SH_SAVE/KV_SAVE, whatever the config file says')
      .option('--persist-path <dir>', 'directory of saved datasets, relative to the working directory (default ./data)')
      .option('--max-buffered-bytes <bytes>', 'replies buffered for one connection before its reading pauses (default 4 MiB)')
      .option('--max-data-bytes <bytes>', 'refuse commands that add data past this much heap in use (default: no ceiling)')
      .option('--auth-token-file <file>', 'file of bearer tokens clients must present, one per line (or NEMESISDB_AUTH_TOKEN)')
      .option('--tls-cert <file>', 'PEM certificate chain: serve wss:// (with --tls-key)')
      .option('--tls-key <file>', 'PEM private key of --tls-cert')
      .option('--no-console', 'do not serve the web console on GET / (default: served)')
      .option('--no-extensions', 'answer exactly as v0.7.4: no shared sessions, SH_OPEN is unknown (default: extensions on)')
      .option('--allowed-origins <list>', 'comma-separated browser origins allowed to connect (default: any)')
      .option('--store <type>', 'where the data lives: memory (this process, default) or redis (a Redis Cluster shared by several servers)')
      .option('--redis-nodes <list>', 'comma-separated host:port of some nodes of the Redis Cluster (with --store redis)')
      .option('--redis-key-prefix <prefix>', 'prefix of every Redis key (default "nemesisdb:"); servers sharing data use the same')
      .option('--journal <fsync>', 'journal every change (beyond upstream): always, everysec, no (fsync policy) or off (default off)')
      .option('--config <file>', 'upstream NemesisDB config file (JSON with comments, config version 5)')
      // Upstream's own camelCase spellings, kept exactly so its start scripts keep working.
      .option('--loadName <name>', 'dataset to load at start-up, before listening')
      .option('--loadPath <dir>', 'directory holding the --loadName dataset (default: the persist path)')
      .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (default info)')
      .allowExcessArguments(false)
      .showSuggestionAfterError(true)
      .exitOverride()
  );
}

/** Reads the command line (without the `node` and script words, i.e. `process.argv.slice(2)`). */
export function parseArgs(argv: readonly string[]): ArgsResult {
  let output = '';
  let errors = '';
  const command = program().configureOutput({
    writeOut: (text) => (output += text),
    writeErr: (text) => (errors += text),
  });
  try {
    command.parse([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
      // Upstream exits 1 after --help; asking for help is not a failure, so we exit 0.
      return { kind: 'exit', code: 0, output };
    }
    // Commander's text is "error: unknown option '--prot'\n(Did you mean --port?)": make it one line.
    const text = (errors || error.message).replace(/^error:\s*/, '').replace(/\s*\n\s*/g, ' ').trim();
    return { kind: 'error', message: `${text} (see --help)` };
  }
  const options = command.opts<CliFlags>();
  const flags: CliFlags = {};
  // Copy only what was given; commander leaves the rest undefined.
  for (const key of Object.keys(options) as (keyof CliFlags)[]) {
    // Negatable flags (`--no-console`) have a default in commander: only what was typed counts.
    if (options[key] !== undefined && command.getOptionValueSource(key) === 'cli') (flags as Record<string, unknown>)[key] = options[key];
  }
  return { kind: 'flags', flags };
}
