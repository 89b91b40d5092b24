// nemesisdb — the runnable NemesisDB server: command line, upstream v5 config file, logging,
// signals. The executable is dist/cli.js; this entry exposes the pieces for tests and embedding.

export { VERSION, parseArgs, type ArgsResult, type CliFlags } from './args.js';
export {
  CONFIG_VERSION,
  ConfigError,
  DEFAULT_PERSIST_PATH,
  ENV_VARS,
  LOG_LEVELS,
  MAX_MAX_CONNECTIONS,
  MIN_MAX_PAYLOAD,
  nodeConfigFs,
  resolveConfig,
  resolveFromFlags,
  type ConfigFs,
  type ConfigResult,
  type LogLevel,
  type ResolveConfigInput,
  type ResolvedConfig,
} from './config.js';
export { createLogger, type Logger, type LoggerOptions } from './logging.js';
export { handleSignals, main, run, type Running, type SignalOptions } from './main.js';
