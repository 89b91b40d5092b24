import { ENGINE_VERSION, type Engine } from '@nemesisdb/engine';

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
  /**
   * Interface to listen on (IPv4 or IPv6 address, or host name).
   * @default '127.0.0.1' ({@link DEFAULT_HOST})
   */
  host?: string;
  /**
   * TCP port; 0 picks a free one (see `NemesisServer.port`).
   * @default 1987 ({@link DEFAULT_PORT})
   */
  port?: number;
  /**
   * Largest inbound message in bytes, up to 64 MiB ({@link MAX_MAX_PAYLOAD}); larger ones close
   * the connection with 1009.
   * @default 1048576, 1 MiB ({@link DEFAULT_MAX_PAYLOAD})
   */
  maxPayload?: number;
  /**
   * Connections beyond this are refused at upgrade with HTTP 503.
   * @default 10000 ({@link DEFAULT_MAX_CONNECTIONS})
   */
  maxConnections?: number;
  /**
   * A connection with no message and no pong for this long is closed (upstream: 180 s).
   * @default 180000 ({@link DEFAULT_IDLE_TIMEOUT_MS})
   */
  idleTimeoutMs?: number;
  /**
   * How often live connections are pinged (their pong keeps them alive).
   * @default 30000 ({@link DEFAULT_PING_INTERVAL_MS})
   */
  pingIntervalMs?: number;
  /**
   * Reply bytes buffered for one connection beyond which the server stops reading its requests
   * until the client drains them.
   * @default 4194304, 4 MiB ({@link DEFAULT_MAX_BUFFERED_BYTES})
   */
  maxBufferedBytes?: number;
  /**
   * A connection that stays above `maxBufferedBytes` this long (it does not read) is closed.
   * @default 30000 ({@link DEFAULT_DRAIN_TIMEOUT_MS})
   */
  drainTimeoutMs?: number;
  /**
   * Where to log (a pino logger as is).
   * @default undefined: nothing is logged
   */
  logger?: Logger;
  /**
   * Version reported by `GET /health`.
   * @default the engine's version (`ENGINE_VERSION` of @nemesisdb/engine)
   */
  version?: string;
  /**
   * Bearer tokens a client must present at upgrade (`Authorization: Bearer <token>`, or a `token`
   * query parameter for browsers, which cannot set headers), each at least 16 characters; they
   * also guard the sizes in `GET /health` and `GET /metrics`.
   * @default [] (no authentication)
   */
  authTokens?: readonly string[];
  /**
   * Serve `wss://` (and HTTPS) with this PEM certificate chain and private key.
   * @default undefined: plain `ws://`
   */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /**
   * Browser origins allowed to connect (`Origin` header, e.g. `https://app.example.com`).
   * Requests without an Origin (non-browser clients) are not affected.
   * @default undefined: any origin
   */
  allowedOrigins?: readonly string[];
  /**
   * Static files served on plain HTTP GET: `/` is `index.html` of this directory, and every file
   * in it is served at its path (the web console).
   * @default undefined: GET `/` answers 426 like any path
   */
  staticDirectory?: string;
}

type Optional = 'logger' | 'tls' | 'allowedOrigins' | 'staticDirectory';
/** The options with every default filled in and every limit checked. */
export type ServerSettings = Required<Omit<ServerOptions, Optional>> & Pick<ServerOptions, Optional>;

/** Fills in the defaults; throws a RangeError naming the first option out of range. */
export function resolveServerSettings(options: ServerOptions): ServerSettings {
  const settings: ServerSettings = {
    engine: options.engine,
    host: options.host ?? DEFAULT_HOST,
    port: options.port ?? DEFAULT_PORT,
    maxPayload: options.maxPayload ?? DEFAULT_MAX_PAYLOAD,
    maxConnections: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    pingIntervalMs: options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
    maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
    drainTimeoutMs: options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS,
    logger: options.logger,
    version: options.version ?? ENGINE_VERSION,
    authTokens: options.authTokens ?? [],
    tls: options.tls,
    allowedOrigins: options.allowedOrigins,
    staticDirectory: options.staticDirectory,
  };
  if (settings.authTokens.some((token) => token.length < 16)) {
    throw new RangeError('authentication tokens must be at least 16 characters long');
  }
  if (!(Number.isInteger(settings.maxPayload) && settings.maxPayload >= 1 && settings.maxPayload <= MAX_MAX_PAYLOAD)) {
    throw new RangeError(`maxPayload must be an integer from 1 to ${MAX_MAX_PAYLOAD}`);
  }
  if (!(Number.isInteger(settings.port) && settings.port >= 0 && settings.port <= 65535)) {
    throw new RangeError('port must be an integer from 0 to 65535');
  }
  for (const key of ['maxConnections', 'idleTimeoutMs', 'pingIntervalMs', 'maxBufferedBytes', 'drainTimeoutMs'] as const) {
    if (!(settings[key] > 0)) throw new RangeError(`${key} must be positive`);
  }
  return settings;
}
