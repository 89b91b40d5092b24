import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { MAX_PAYLOAD_HEADER } from '@nemesisdb/protocol';
import { WebSocketServer, type WebSocket } from 'ws';
import { AccessPolicy } from './access.js';
import { CloseCode, Connection } from './connection.js';
import { httpRoutes } from './http-routes.js';
import { createMetrics, type ServerMetrics } from './metrics.js';
import { DEFAULT_CLOSE_TIMEOUT_MS, resolveServerSettings, type Logger, type ServerOptions, type ServerSettings } from './options.js';
import { StaticFiles } from './static-files.js';

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

/** Starts a NemesisDB server: WebSocket on any path, plus `GET /health` and `GET /metrics` (http-routes.ts). */
export async function startServer(options: ServerOptions): Promise<NemesisServer> {
  const settings = resolveServerSettings(options);
  const { engine, logger } = settings;
  const connections = new OpenConnections();
  const metrics = createMetrics(engine, () => connections.size);
  let closing: Promise<void> | null = null;

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: settings.maxPayload,
    perMessageDeflate: false, // upstream never negotiates it, and it would cost CPU per message
    clientTracking: false,
  });
  // The largest message this server reads, told to every client in the handshake: a client that
  // knows it refuses a larger request itself, instead of sending it and losing the connection
  // (close 1009) with every other request in flight on it.
  const maxPayloadHeader = `${MAX_PAYLOAD_HEADER}: ${settings.maxPayload}`;
  wss.on('headers', (headers: string[]) => headers.push(maxPayloadHeader));
  const access = new AccessPolicy(settings.authTokens, settings.allowedOrigins);
  const onRequest = httpRoutes({
    engine,
    version: settings.version,
    startedAt: Date.now(),
    access,
    metrics,
    staticFiles: settings.staticDirectory === undefined ? null : new StaticFiles(settings.staticDirectory),
    logger,
    connections: () => connections.size,
    closing: () => closing !== null,
  });
  const http: Server = settings.tls
    ? createHttpsServer({ cert: settings.tls.cert, key: settings.tls.key }, onRequest)
    : createHttpServer(onRequest);

  http.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => socket.destroy()); // a reset during the handshake is not our error
    if (admitted(request, socket, { closing: closing !== null, open: connections.size, access, settings, metrics })) {
      wss.handleUpgrade(request, socket, head, (ws: WebSocket) => accept(ws, socket));
    }
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

  const stopKeepalive = startKeepalive(connections, settings, logger);

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
    stopKeepalive();
    const stopped = new Promise<void>((done) => http.close(() => done()));
    http.closeIdleConnections();
    for (const connection of connections) connection.closeWhenAnswered(CloseCode.GoingAway, 'server shutting down');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((done) => {
      timer = setTimeout(() => done(true), timeoutMs);
    });
    if (await Promise.race([connections.emptied().then(() => false), timedOut])) {
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

/** The open connections, and a promise for the moment the last one has closed (for `close()`). */
class OpenConnections extends Set<Connection> {
  private waiting: (() => void)[] = [];

  override delete(connection: Connection): boolean {
    const deleted = super.delete(connection);
    if (this.size === 0) for (const done of this.waiting.splice(0)) done();
    return deleted;
  }

  /** Resolves once no connection is open (at once when none is). */
  emptied(): Promise<void> {
    return this.size === 0 ? Promise.resolve() : new Promise((done) => this.waiting.push(done));
  }
}

interface Admission {
  closing: boolean;
  open: number;
  access: AccessPolicy;
  settings: ServerSettings;
  metrics: ServerMetrics;
}

/** Whether an upgrade may become a connection; when not, answers it with the HTTP status that says why. */
function admitted(request: IncomingMessage, socket: Socket, { closing, open, access, settings, metrics }: Admission): boolean {
  const { logger } = settings;
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
  if (open >= settings.maxConnections) {
    metrics.connectionRefused();
    logger?.warn({ remote: remoteOf(socket), maxConnections: settings.maxConnections }, 'connection refused: limit reached');
    return refuse(socket, 503, 'Service Unavailable');
  }
  return true;
}

/** Keepalive: pings everyone; a connection with neither message nor pong for idleTimeoutMs is dead. Returns the stop. */
function startKeepalive(connections: ReadonlySet<Connection>, settings: ServerSettings, logger: Logger | undefined): () => void {
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
  return () => clearInterval(keepalive);
}

/** Answers a refused upgrade and ends the socket; false, for `admitted`. */
function refuse(socket: Socket, status: number, text: string, headers = ''): false {
  socket.end(`HTTP/1.1 ${status} ${text}\r\n${headers}Connection: close\r\nContent-Length: 0\r\n\r\n`);
  return false;
}

function remoteOf(socket: Socket): string {
  return `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
}
