// The plain-HTTP side of the server's port: GET /health, GET /metrics, the console's static files,
// 426 for any other GET (every path is a WebSocket endpoint) and 404 for other methods.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine } from '@nemesisdb/engine';
import type { AccessPolicy } from './access.js';
import type { ServerMetrics } from './metrics.js';
import type { Logger } from './options.js';
import type { StaticFiles } from './static-files.js';

/** What the routes read from the running server. */
export interface RouteContext {
  engine: Engine;
  /** Reported by /health. */
  version: string;
  startedAt: number;
  access: AccessPolicy;
  metrics: ServerMetrics;
  staticFiles: StaticFiles | null;
  logger?: Logger;
  /** Open WebSocket connections now. */
  connections(): number;
  /** True once `close()` was called: /health answers 503 "closing". */
  closing(): boolean;
}

const CONSOLE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
};

/** The `request` listener of the HTTP(S) server; a route that throws answers 500 (logged). */
export function httpRoutes(context: RouteContext): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    void route(context, request, response).catch((error: unknown) => {
      context.logger?.error({ err: error }, 'HTTP request failed');
      if (!response.headersSent) response.writeHead(500).end();
    });
  };
}

async function route(context: RouteContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  const read = request.method === 'GET' || request.method === 'HEAD';
  if (request.method === 'GET' && path === '/health') return health(context, request, response);
  if (request.method === 'GET' && path === '/metrics') return metrics(context, request, response);
  const file = context.staticFiles?.get(path);
  if (file !== undefined && read) {
    // The console: static, holds no data; the page asks for the token to connect when one is needed.
    // Compression, ETag/304 and caching: static-files.ts.
    context.staticFiles!.serve(request, response, file, CONSOLE_HEADERS);
    return;
  }
  if (read) {
    // Every other path is a WebSocket endpoint.
    response.writeHead(426, { upgrade: 'websocket', connection: 'Upgrade', 'content-type': 'text/plain' });
    response.end('NemesisDB speaks WebSocket here: connect with a WebSocket client.\n');
    return;
  }
  response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
}

async function health(
  { engine, version, startedAt, access, closing, connections }: RouteContext,
  request: IncomingMessage,
  response: ServerResponse,
) {
  const journalFailure = engine.journalFailure();
  const body: Record<string, unknown> = {
    // "degraded": the journal cannot be written, so changes are refused (reads are served).
    status: closing() ? 'closing' : journalFailure !== null ? 'degraded' : 'ok',
    version,
    uptime: Math.floor((Date.now() - startedAt) / 1000),
  };
  if (engine.journaling) {
    body.journal =
      journalFailure === null
        ? { state: 'ok' }
        : { state: 'failed', cause: journalFailure.cause, since: new Date(journalFailure.since).toISOString() };
  }
  // Liveness for anyone; the sizes only for holders of the token, when there is one.
  if (access.authorized(request)) {
    const stats = await engine.stats();
    Object.assign(body, { connections: connections(), sessions: stats.sessions, keys: stats.kvKeys, sessionKeys: stats.sessionKeys });
  }
  response.writeHead(closing() ? 503 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function metrics({ access, metrics }: RouteContext, request: IncomingMessage, response: ServerResponse) {
  // Counts of sessions and commands are the operator's business: behind the token, if any.
  if (!access.authorized(request)) {
    response.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
    return;
  }
  const text = await metrics.registry.metrics();
  response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text);
}
