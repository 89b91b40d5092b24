import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { ENGINE_VERSION } from '@nemesisdb/engine';
import { WebSocketServer, type WebSocket } from 'ws';
import { AccessPolicy } from './access.js';
import { StaticFiles } from './static-files.js';
import { CloseCode, Connection } from './connection.js';
import { createMetrics, type ServerMetrics } from './metrics.js';
import {
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
  type ServerOptions,
} from './options.js';

/** A running server. */
export interface NemesisServer {
  /** Where clients connect, e.g. `ws://127.0.0.1:1987` (with the real port when 0 was asked). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Open WebSocket connections. */
  readonly connections: number;
  /** The Prometheus registry behind `GET /metrics`. */
  readonly metrics: ServerMetrics['registry'];
  /**
   * Stops gracefully: no new connections, every request already received is answered, then each
   * connection is closed with 1001 (going away). Connections still open after `timeoutMs` are cut.
   */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

/** Starts a NemesisDB server: WebSocket on any path, plus `GET /health` and `GET /metrics`. */
export async function startServer(options: ServerOptions): Promise<NemesisServer> {
  const settings = resolve(options);
  const { engine, logger } = settings;
  const connections = new Set<Connection>();
  const metrics = createMetrics(engine, () => connections.size);
  const startedAt = Date.now();
  let closing: Promise<void> | null = null;

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: settings.maxPayload,
    perMessageDeflate: false, // upstream never negotiates it, and it would cost CPU per message
    clientTracking: false,
  });

  const access = new AccessPolicy(settings.authTokens, settings.allowedOrigins);
  const staticFiles = settings.staticDirectory === undefined ? null : new StaticFiles(settings.staticDirectory);
  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    void serveHttp(request, response).catch((error: unknown) => {
      logger?.error({ err: error }, 'HTTP request failed');
      if (!response.headersSent) response.writeHead(500).end();
    });
  };
  const http: Server = settings.tls
    ? createHttpsServer({ cert: settings.tls.cert, key: settings.tls.key }, onRequest)
    : createHttpServer(onRequest);

  async function serveHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/health') {
      const journalFailure = engine.journalFailure();
      const health: Record<string, unknown> = {
        // "degraded": the journal cannot be written, so changes are refused (reads are served).
        status: closing ? 'closing' : journalFailure !== null ? 'degraded' : 'ok',
        version: settings.version,
        uptime: Math.floor((Date.now() - startedAt) / 1000),
      };
      if (engine.journaling) {
        health.journal =
          journalFailure === null
            ? { state: 'ok' }
            : { state: 'failed', cause: journalFailure.cause, since: new Date(journalFailure.since).toISOString() };
      }
      // Liveness for anyone; the sizes only for holders of the token, when there is one.
      if (access.authorized(request)) {
        const stats = await engine.stats();
        Object.assign(health, {
          connections: connections.size,
          sessions: stats.sessions,
          keys: stats.kvKeys,
          sessionKeys: stats.sessionKeys,
        });
      }
      const body = JSON.stringify(health);
      response.writeHead(closing ? 503 : 200, { 'content-type': 'application/json' }).end(body);
      return;
    }
    if (request.method === 'GET' && path === '/metrics') {
      // Counts of sessions and commands are the operator's business: behind the token, if any.
      if (!access.authorized(request)) {
        response.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
        return;
      }
      const text = await metrics.registry.metrics();
      response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text);
      return;
    }
    const file = staticFiles?.get(path ?? '/');
    if (file !== undefined && (request.method === 'GET' || request.method === 'HEAD')) {
      // The console: static, holds no data; the page asks for the token to connect when one is needed.
      // Compression, ETag/304 and caching: static-files.ts.
      staticFiles!.serve(request, response, file, {
        'x-content-type-options': 'nosniff',
        'content-security-policy':
          "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
      });
      return;
    }
    if (request.method === 'GET' || request.method === 'HEAD') {
      // Every other path is a WebSocket endpoint.
      response.writeHead(426, { upgrade: 'websocket', connection: 'Upgrade', 'content-type': 'text/plain' });
      response.end('NemesisDB speaks WebSocket here: connect with a WebSocket client.\n');
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
  }

  http.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy()); // a reset during the handshake is not our error
    if (closing) return refuse(socket, 503, 'Service Unavailable');
    if (!access.originAllowed(request)) {
      logger?.warn({ remote: remoteOf(socket), origin: request.headers.origin }, 'connection refused: origin not allowed');
      return refuse(socket, 403, 'Forbidden');
    }
    if (!access.authorized(request)) {
      // The presented token (if any) is never logged.
      logger?.warn({ remote: remoteOf(socket) }, 'connection refused: missing or wrong token');
      return refuse(socket, 401, 'Unauthorized', 'WWW-Authenticate: Bearer\r\n');
    }
    if (connections.size >= settings.maxConnections) {
      metrics.connectionRefused();
      logger?.warn({ remote: remoteOf(socket), maxConnections: settings.maxConnections }, 'connection refused: limit reached');
      return refuse(socket, 503, 'Service Unavailable');
    }
    wss.handleUpgrade(request, socket, head, (ws: WebSocket) => accept(ws, socket));
  });

  function accept(ws: WebSocket, socket: Socket): void {
    socket.setNoDelay(true);
    const remote = remoteOf(socket);
    const connection = new Connection(ws, socket, engine, settings, metrics.latency, logger, remote);
    connections.add(connection);
    metrics.connectionOpened();
    logger?.debug({ remote, connections: connections.size }, 'connection opened');
    ws.on('error', (error: Error & { code?: string }) => {
      // ws closes the connection itself (1009 too big, 1007 invalid UTF-8, protocol errors).
      logger?.info({ remote, code: error.code, reason: error.message }, 'connection closed on a protocol error');
    });
    ws.on('close', (code: number) => {
      connections.delete(connection);
      connection.dispose();
      logger?.debug({ remote, code, connections: connections.size }, 'connection closed');
    });
  }

  // Keepalive: ping everyone; a connection with neither message nor pong for idleTimeoutMs is dead.
  const maxIdleSweeps = Math.max(1, Math.ceil(settings.idleTimeoutMs / settings.pingIntervalMs));
  const keepalive = setInterval(() => {
    for (const connection of connections) {
      if (++connection.idleSweeps > maxIdleSweeps) {
        logger?.info({ remote: connection.remote, idleTimeoutMs: settings.idleTimeoutMs }, 'closing an idle connection');
        connection.ws.terminate();
      } else {
        connection.ws.ping();
      }
    }
  }, settings.pingIntervalMs);
  keepalive.unref();

  await new Promise<void>((resolveListen, rejectListen) => {
    http.once('error', rejectListen);
    http.listen(settings.port, settings.host, () => {
      http.off('error', rejectListen);
      resolveListen();
    });
  });
  http.on('error', (error) => logger?.error({ err: error }, 'server error'));
  const address = http.address() as AddressInfo;
  const host = address.address;
  const url = `${settings.tls ? 'wss' : 'ws'}://${address.family === 'IPv6' ? `[${host}]` : host}:${address.port}`;

  async function close(closeOptions: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = closeOptions.timeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    clearInterval(keepalive);
    const stopped = new Promise<void>((done) => http.close(() => done()));
    http.closeIdleConnections();
    for (const connection of connections) connection.closeWhenAnswered(CloseCode.GoingAway, 'server shutting down');
    const allClosed = new Promise<void>((done) => {
      const check = setInterval(() => {
        if (connections.size === 0) {
          clearInterval(check);
          done();
        }
      }, 10);
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((done) => {
      timer = setTimeout(() => done(true), timeoutMs);
    });
    if (await Promise.race([allClosed.then(() => false), timedOut])) {
      logger?.warn({ open: connections.size, timeoutMs }, 'cutting connections that did not close in time');
      for (const connection of connections) connection.ws.terminate();
    }
    clearTimeout(timer);
    http.closeAllConnections();
    await stopped;
    wss.close();
  }

  return {
    url,
    host,
    port: address.port,
    get connections() {
      return connections.size;
    },
    metrics: metrics.registry,
    close: (closeOptions) => (closing ??= close(closeOptions)),
  };
}

function refuse(socket: Socket, status: number, text: string, headers = ''): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\n${headers}Connection: close\r\nContent-Length: 0\r\n\r\n`);
}

function remoteOf(socket: Socket): string {
  return `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
}

type Optional = 'logger' | 'tls' | 'allowedOrigins' | 'staticDirectory';
type Settings = Required<Omit<ServerOptions, Optional>> & Pick<ServerOptions, Optional>;

function resolve(options: ServerOptions): Settings {
  const settings: Settings = {
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
