import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '@nemesisdb/engine';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, type ClientOptions } from 'ws';
import type { ServerOptions } from './options.js';
import { startServer, type NemesisServer } from './server.js';
import { testCertificate } from '@nemesisdb/test-utils';

const TOKEN = 'a-long-enough-secret-token';
const running: NemesisServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close({ timeoutMs: 500 })));
});

async function serve(options: Partial<ServerOptions>): Promise<NemesisServer> {
  const server = await startServer({ engine: new Engine(), host: '127.0.0.1', port: 0, ...options });
  running.push(server);
  return server;
}

/** Opens a connection: resolves with the reply to KV_COUNT, or the HTTP status of a refused upgrade. */
function attempt(url: string, options: ClientOptions = {}): Promise<{ reply?: string; status?: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    ws.on('unexpected-response', (_request, response) => {
      resolve({ status: response.statusCode });
      ws.terminate();
    });
    ws.on('open', () => ws.send('{"KV_COUNT":{}}'));
    ws.on('message', (data) => {
      resolve({ reply: data.toString() });
      ws.close();
    });
    ws.on('error', (error) => {
      if (!String(error.message).includes('Unexpected server response')) reject(error);
    });
  });
}

const COUNT = '{"KV_COUNT_RSP":{"cnt":0,"st":1}}';

describe('authentication (bearer tokens)', () => {
  it('accepts the token in an Authorization header or a token query parameter', async () => {
    const server = await serve({ authTokens: [TOKEN, 'another-accepted-token'] });
    expect(await attempt(server.url, { headers: { authorization: `Bearer ${TOKEN}` } })).toEqual({ reply: COUNT });
    expect(await attempt(`${server.url}/?token=another-accepted-token`)).toEqual({ reply: COUNT });
  });

  it.each([
    ['no token', {}, ''],
    ['a wrong token', { headers: { authorization: 'Bearer not-the-right-token-at-all' } }, ''],
    ['a token of another scheme', { headers: { authorization: `Basic ${TOKEN}` } }, ''],
    ['a wrong query token', {}, '/?token=wrong'],
  ])('answers %s with HTTP 401 at upgrade and nothing else', async (_name, options, path) => {
    const server = await serve({ authTokens: [TOKEN] });
    expect(await attempt(server.url + path, options)).toEqual({ status: 401 });
    expect(server.connections).toBe(0);
  });

  it('keeps /metrics and the sizes in /health behind the token', async () => {
    const server = await serve({ authTokens: [TOKEN] });
    const base = server.url.replace('ws:', 'http:');
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect(Object.keys((await (await fetch(`${base}/health`)).json()) as object)).toEqual(['status', 'version', 'uptime']);
    expect(await (await fetch(`${base}/health?token=${TOKEN}`)).json()).toHaveProperty('sessions', 0);
  });

  it('refuses tokens too short to be secrets', async () => {
    await expect(startServer({ engine: new Engine(), port: 0, authTokens: ['short'] })).rejects.toThrow(RangeError);
  });

  it('never writes a token to the log', async () => {
    const lines: string[] = [];
    const log = (fields: object, message?: string) => lines.push(JSON.stringify(fields) + (message ?? ''));
    const server = await serve({ authTokens: [TOKEN], logger: { debug: log, info: log, warn: log, error: log } });
    await attempt(`${server.url}/?token=wrong-token-that-is-long`);
    await attempt(server.url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain('wrong-token-that-is-long');
    expect(lines.join('\n')).not.toContain(TOKEN);
  });
});

describe('origin allowlist', () => {
  it('lets allowed browser origins, its own origin and non-browser clients in, and refuses others with 403', async () => {
    const server = await serve({ allowedOrigins: ['https://app.example.com'] });
    expect(await attempt(server.url, { origin: 'https://app.example.com' })).toEqual({ reply: COUNT });
    expect(await attempt(server.url)).toEqual({ reply: COUNT });
    expect(await attempt(server.url, { origin: server.url.replace('ws:', 'http:') })).toEqual({ reply: COUNT }); // its console
    expect(await attempt(server.url, { origin: 'https://evil.example.com' })).toEqual({ status: 403 });
  });
});

describe('static files (the console)', () => {
  it('serves the directory on GET, index.html at /, and nothing outside it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'nemesisdb-static-'));
    mkdirSync(join(directory, 'assets'));
    writeFileSync(join(directory, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(directory, 'assets', 'app.js'), 'console.log(1)');
    try {
      const server = await serve({ staticDirectory: directory });
      const base = server.url.replace('ws:', 'http:');
      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await page.text()).toContain('<title>console</title>');
      expect((await fetch(`${base}/assets/app.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      // Raw paths (fetch would normalise the dots away before sending).
      const statusOf = (path: string) =>
        new Promise<number>((resolve, reject) =>
          httpGet({ host: '127.0.0.1', port: server.port, path }, (response) => resolve(response.statusCode ?? 0)).on('error', reject),
        );
      for (const path of ['/nope.js', '/../package.json', '/assets/../../package.json', '/assets/%2e%2e/index.html', '/assets']) {
        expect(await statusOf(path)).toBe(426);
      }
      expect(await attempt(server.url)).toEqual({ reply: COUNT }); // and / is still a WebSocket endpoint
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('TLS (wss://)', () => {
  let directory = '';
  let cert = '';
  let key = '';

  beforeAll(() => {
    // A certificate made for the test: openssl is part of every Debian machine this runs on.
    directory = mkdtempSync(join(tmpdir(), 'nemesisdb-tls-'));
    testCertificate(directory);
    cert = readFileSync(join(directory, 'cert.pem'), 'utf8');
    key = readFileSync(join(directory, 'key.pem'), 'utf8');
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('serves wss:// and HTTPS with the configured certificate, with auth on top', async () => {
    const server = await serve({ tls: { cert, key }, authTokens: [TOKEN] });
    expect(server.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+$/);
    expect(await attempt(server.url, { ca: cert, headers: { authorization: `Bearer ${TOKEN}` } })).toEqual({ reply: COUNT });
    expect(await attempt(server.url, { ca: cert })).toEqual({ status: 401 });
    await expect(attempt(server.url, {})).rejects.toThrow(/self.signed|certificate/i);
    const status = await new Promise<number>((resolve, reject) => {
      httpsRequest(`${server.url.replace('wss:', 'https:')}/health`, { ca: cert }, (response) => resolve(response.statusCode ?? 0))
        .on('error', reject)
        .end();
    });
    expect(status).toBe(200);
  });
});
