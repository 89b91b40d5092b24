// nemesisdb — the runnable NemesisDB server: command line, upstream v5 config file, logging,
// signals. The executable is dist/cli.js; this entry is what the README's "As a library" section
// documents (resolveConfig, run, handleSignals, createLogger) and the types those take and return.
// api/index.txt lists it; tests reach the other modules directly.

export { VERSION } from './args.js';
export {
  ConfigError,
  nodeConfigFs,
  resolveConfig,
  type ConfigFs,
  type ConfigResult,
  type LogLevel,
  type ResolveConfigInput,
  type ResolvedConfig,
} from './config.js';
export { createLogger, type Logger, type LoggerOptions } from './logging.js';
export { handleSignals, run, type Running, type SignalOptions } from './main.js';
