// Logging: pino JSON lines on stdout (what log collectors and our tests read), or pino-pretty's
// coloured lines when a person is watching a terminal.
import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogLevel } from './config.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: LogLevel;
  /** Human-readable lines instead of JSON. Default: whether stdout is a terminal. */
  pretty?: boolean;
  /** Where lines go. Default: stdout (fd 1). */
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const wantPretty = options.pretty ?? process.stdout.isTTY === true;
  // Synchronous writes: the process exits right after its last lines ("stopped", a fatal error),
  // and an asynchronous buffer would lose them. Log volume is per connection, not per request.
  const destination =
    options.destination ??
    (wantPretty
      ? pretty({ colorize: true, translateTime: 'SYS:standard', ignore: 'pid,hostname', sync: true, destination: 1 })
      : pino.destination({ dest: 1, sync: true }));
  return pino(
    {
      name: 'nemesisdb',
      level: options.level,
      // Nothing secret is logged (no tokens, no request bodies, no environment); this is a last guard
      // should an error object ever carry request data.
      redact: { paths: ['tkn', '*.tkn', 'request', '*.request'], censor: '[redacted]' },
    },
    destination,
  );
}
