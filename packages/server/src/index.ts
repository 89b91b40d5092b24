// @nemesisdb/server — the WebSocket transport (ws) over a NemesisDB engine, as a library.

export { startServer, type NemesisServer } from './server.js';
export {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_HOST,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_PAYLOAD,
  DEFAULT_PING_INTERVAL_MS,
  DEFAULT_PORT,
  MAX_MAX_PAYLOAD,
  type Logger,
  type ServerOptions,
} from './options.js';
export { CloseCode } from './connection.js';
export { LATENCY_BUCKETS } from './metrics.js';
export { StaticFiles } from './static-files.js';
