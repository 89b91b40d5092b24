// The built page as the server serves it: where it is, what it holds, what it costs on the wire
// (raw, gzip and brotli, as the server sends them), and that browsers can cache it (ETag → 304,
// hashed names kept for a year).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { isAbsolute, join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Engine } from '@nemesisdb/engine';
import { startServer, type NemesisServer } from '@nemesisdb/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_DIRECTORY, CONSOLE_FILES } from './index.js';

/** Budgets of the page's first load (index.html, its script, its stylesheet, the icon). */
const MAX_SCRIPT_BYTES = 80_000;
const MAX_WIRE_BYTES = 40_000;

function file(path: string): Buffer {
  return readFileSync(join(CONSOLE_DIRECTORY, path));
}

function builtName(pattern: RegExp): string {
  const found = CONSOLE_FILES.find((path) => pattern.test(path));
  if (found === undefined) throw new Error(`no ${pattern} in ${CONSOLE_DIRECTORY}: run \`pnpm build\` in packages/console`);
  return found;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

describe('CONSOLE_DIRECTORY', () => {
  beforeAll(() => {
    if (!existsSync(join(CONSOLE_DIRECTORY, 'index.html'))) {
      throw new Error(`the page is not built (${CONSOLE_DIRECTORY}): run \`pnpm build\` in packages/console`);
    }
  });

  it('is the absolute path of dist/public, holding every file of the page with hashed names', () => {
    expect(isAbsolute(CONSOLE_DIRECTORY)).toBe(true);
    expect(CONSOLE_DIRECTORY.replaceAll('\\', '/')).toMatch(/\/packages\/console\/dist\/public$/);
    for (const path of CONSOLE_FILES) expect(statSync(join(CONSOLE_DIRECTORY, path)).isFile(), path).toBe(true);
    expect(CONSOLE_FILES).toContain('/index.html');
    expect(CONSOLE_FILES).toContain('/icon.svg');
    expect(CONSOLE_FILES).toContain('/docs/commands/sh-info.md');
    builtName(/^\/console\.[0-9A-Z]{8}\.js$/);
    builtName(/^\/charts\.[0-9A-Z]{8}\.js$/);
    builtName(/^\/wire-worker\.[0-9A-Z]{8}\.js$/);
    builtName(/^\/console\.[0-9a-f]{10}\.css$/);
  });

  it('has no inline script, no inline handler and nothing from another origin (the CSP forbids them)', () => {
    const html = file('index.html').toString('utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]![1]).toContain(`src="${builtName(/^\/console\.\w+\.js$/).slice(1)}"`);
    expect(scripts[0]![1]).toContain(`data-wire-worker="${builtName(/^\/wire-worker\.\w+\.js$/).slice(1)}"`);
    expect(scripts[0]![2]!.trim()).toBe('');
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).toContain(`href="${builtName(/^\/console\.\w+\.css$/).slice(1)}"`);
    expect(html).toContain('"icon.svg"');
  });

  it('carries no zod, no schemas and no Node WebSocket library', () => {
    for (const path of CONSOLE_FILES.filter((name) => name.endsWith('.js'))) {
      const script = file(path).toString('utf8');
      expect(script, path).not.toMatch(/from\s*["']ws["']|import\(["']ws["']\)|require\(["']ws["']\)/);
      // zod's own marks: its version object and its error class.
      expect(script, path).not.toMatch(/ZodError|\$ZodType|zod\.dev|jitless/);
    }
  });

  it(`costs at most ${MAX_SCRIPT_BYTES} bytes of script and ${MAX_WIRE_BYTES} bytes over the wire on first load`, async () => {
    const server = await startServer({ engine: new Engine(), host: '127.0.0.1', port: 0, staticDirectory: CONSOLE_DIRECTORY });
    try {
      const sizes: { path: string; raw: number; br: number; gzip: number; firstLoad: boolean }[] = [];
      for (const path of CONSOLE_FILES.filter((name) => !name.startsWith('/docs/'))) {
        const raw = file(path).length;
        const br = await get(server, path, { 'accept-encoding': 'br' });
        const gzip = await get(server, path, { 'accept-encoding': 'gzip' });
        sizes.push({ path, raw, br: br.body.length, gzip: gzip.body.length, firstLoad: !path.startsWith('/charts.') });
      }
      const sum = (rows: typeof sizes, key: 'raw' | 'br' | 'gzip') => rows.reduce((total, row) => total + row[key], 0);
      const first = sizes.filter((row) => row.firstLoad);
      console.log(
        [
          'served assets (bytes: raw / gzip / brotli):',
          ...sizes.map((s) => `  ${s.path}: ${s.raw} / ${s.gzip} / ${s.br}`),
          `  first load: ${sum(first, 'raw')} / ${sum(first, 'gzip')} / ${sum(first, 'br')}`,
          `  with the server view's charts: ${sum(sizes, 'raw')} / ${sum(sizes, 'gzip')} / ${sum(sizes, 'br')}`,
        ].join('\n'),
      );
      expect(file(builtName(/^\/console\.\w+\.js$/)).length).toBeLessThanOrEqual(MAX_SCRIPT_BYTES);
      expect(sum(first, 'gzip')).toBeLessThanOrEqual(MAX_WIRE_BYTES);
      expect(sum(first, 'br')).toBeLessThanOrEqual(MAX_WIRE_BYTES);
    } finally {
      await server.close();
    }
  });
});

function get(server: NemesisServer, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port: server.port, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('served by the server', () => {
  let server: NemesisServer;

  beforeAll(async () => {
    server = await startServer({ engine: new Engine(), host: '127.0.0.1', port: 0, staticDirectory: CONSOLE_DIRECTORY });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('answers GET / with index.html and every asset with its type, under the CSP, compressed when accepted', async () => {
    const types: [string, RegExp][] = [
      ['/', /^text\/html/],
      [builtName(/^\/console\.\w+\.js$/), /^text\/javascript/],
      [builtName(/^\/charts\.\w+\.js$/), /^text\/javascript/],
      [builtName(/^\/console\.\w+\.css$/), /^text\/css/],
      ['/icon.svg', /^image\/svg\+xml/],
      ['/docs/commands/sh-new.md', /^text\/plain/],
    ];
    for (const [path, type] of types) {
      const expected = file(path === '/' ? 'index.html' : path);
      const plain = await get(server, path);
      expect(plain.status, path).toBe(200);
      expect(plain.headers['content-type'], path).toMatch(type);
      expect(plain.headers['content-security-policy']).toContain("default-src 'self'");
      expect(plain.body.equals(expected), path).toBe(true);
      if (expected.length < 512) continue;
      const br = await get(server, path, { 'accept-encoding': 'gzip, deflate, br, zstd' });
      expect(br.headers['content-encoding'], path).toBe('br');
      expect(brotliDecompressSync(br.body).equals(expected), path).toBe(true);
      const gzip = await get(server, path, { 'accept-encoding': 'gzip, deflate' });
      expect(gzip.headers['content-encoding'], path).toBe('gzip');
      expect(gunzipSync(gzip.body).equals(expected), path).toBe(true);
    }
  });

  it('lets the browser keep what it has: hashed files for a year, the rest revalidated with a 304', async () => {
    for (const path of [builtName(/^\/console\.\w+\.js$/), builtName(/^\/charts\.\w+\.js$/), builtName(/^\/console\.\w+\.css$/)]) {
      expect((await get(server, path)).headers['cache-control'], path).toBe('public, max-age=31536000, immutable');
    }
    const page = await get(server, '/', { 'accept-encoding': 'br' });
    expect(page.headers['cache-control']).toBe('no-cache');
    const again = await get(server, '/', { 'accept-encoding': 'br', 'if-none-match': String(page.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });
});
