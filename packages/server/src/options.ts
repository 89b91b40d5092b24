import type { Engine } from '@nemesisdb/engine';

/**
 * What the server writes to its log: a subset of pino's API (pass a pino logger as is). Objects
 * first, message second, as pino does.
 */
export interface Logger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

/** Every limit and default of the server, in one place. */
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 1987;
/** Largest inbound message (upstream's config allows 64–8192 bytes; our embedded default is 1 MiB, §14 D21). */
export const DEFAULT_MAX_PAYLOAD = 1024 * 1024;
/** Largest `maxPayload` accepted: 64 MiB. */
export const MAX_MAX_PAYLOAD = 64 * 1024 * 1024;
export const DEFAULT_MAX_CONNECTIONS = 10_000;
/** A connection with no message and no pong for this long is closed (upstream: 180 s). */
export const DEFAULT_IDLE_TIMEOUT_MS = 180_000;
/** How often live connections are pinged (they answer with a pong, which keeps them alive). */
export const DEFAULT_PING_INTERVAL_MS = 30_000;
/** Replies buffered for one connection beyond which the server stops reading its requests. */
export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** A connection that stays above the buffer limit this long (it does not read) is closed. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;
/** How long `close()` waits for in-flight requests and close handshakes before cutting connections. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

export interface ServerOptions {
  /** The database to serve. */
  engine: Engine;
  /** Interface to listen on (IPv4 or IPv6 address, or host name). Default 127.0.0.1. */
  host?: string;
  /** TCP port; 0 picks a free one (see `NemesisServer.port`). Default 1987. */
  port?: number;
  /** Largest inbound message in bytes; larger ones close the connection with 1009. Default 1 MiB. */
  maxPayload?: number;
  /** Connections beyond this are refused at upgrade with HTTP 503. Default 10,000. */
  maxConnections?: number;
  idleTimeoutMs?: number;
  pingIntervalMs?: number;
  maxBufferedBytes?: number;
  drainTimeoutMs?: number;
  /** Where to log; nothing is logged by default. */
  logger?: Logger;
  /** Version reported by `GET /health`. Default: the engine's. */
  version?: string;
  /**
   * Bearer tokens a client must present at upgrade (`Authorization: Bearer <token>`, or a `token`
   * query parameter for browsers, which cannot set headers). Empty or absent: no authentication.
   */
  authTokens?: readonly string[];
  /** Serve `wss://` with this PEM certificate chain and private key. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /**
   * Browser origins allowed to connect (`Origin` header, e.g. `https://app.example.com`).
   * Requests without an Origin (non-browser clients) are not affected. Absent: any origin.
   */
  allowedOrigins?: readonly string[];
  /**
   * Static files served on plain HTTP GET: `/` is `index.html` of this directory, and every file
   * in it is served at its path (the web console). Absent: GET `/` answers 426 like any path.
   */
  staticDirectory?: string;
}
