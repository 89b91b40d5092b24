// The app run inside the test process (main.ts's run): its settings from flags on a free loopback
// port, and a logger that keeps the JSON lines in memory.
import { resolveConfig, type ResolvedConfig } from './config.js';
import { createLogger } from './logging.js';

/** The config the CLI would build from these flags, on 127.0.0.1 and a free port. */
export function appConfig(argv: string[] = [], env: Record<string, string> = {}): ResolvedConfig {
  const result = resolveConfig({ argv: ['--host', '127.0.0.1', '--port', '0', ...argv], env });
  if (result.kind !== 'config') throw new Error(JSON.stringify(result));
  return result.config;
}

/** Log lines captured in memory, parsed. */
export function memoryLogger(level: 'debug' | 'info' = 'debug') {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level,
    pretty: false,
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { logger, lines, messages: () => lines.map((line) => line.msg) };
}
