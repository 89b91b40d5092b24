// The built page as the server serves it: where it is, what it holds, what it costs on the wire.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Engine } from '@nemesisdb/engine';
import { startServer, type NemesisServer } from '@nemesisdb/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_DIRECTORY, CONSOLE_FILES } from './index.js';

/** Budgets the page must stay within (most of the script is zod, which the SDK checks replies with). */
const MAX_BYTES = 300_000;
const MAX_GZIP_BYTES = 90_000;

function file(path: string): Buffer {
  return readFileSync(join(CONSOLE_DIRECTORY, path));
}

describe('CONSOLE_DIRECTORY', () => {
  beforeAll(() => {
    if (!existsSync(join(CONSOLE_DIRECTORY, 'index.html'))) {
      throw new Error(`the page is not built (${CONSOLE_DIRECTORY}): run \`pnpm build\` in packages/console`);
    }
  });

  it('is the absolute path of dist/public, holding every file of the page', () => {
    expect(isAbsolute(CONSOLE_DIRECTORY)).toBe(true);
    expect(CONSOLE_DIRECTORY.replaceAll('\\', '/')).toMatch(/\/packages\/console\/dist\/public$/);
    for (const path of CONSOLE_FILES) expect(statSync(join(CONSOLE_DIRECTORY, path)).isFile(), path).toBe(true);
  });

  it('has no inline script, no inline handler and nothing from another origin (the CSP forbids them)', () => {
    const html = file('index.html').toString('utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]![1]).toContain('src="console.js"');
    expect(scripts[0]![2]!.trim()).toBe('');
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    for (const asset of ['console.js', 'console.css', 'icon.svg']) expect(html).toContain(`"${asset}"`);
  });

  it('bundles the SDK without the Node WebSocket library', () => {
    const script = file('console.js').toString('utf8');
    expect(script).not.toMatch(/from\s*["']ws["']|import\(["']ws["']\)|require\(["']ws["']\)/);
    expect(script).toContain('jitless');
  });

  it(`stays small: under ${MAX_BYTES} bytes, ${MAX_GZIP_BYTES} gzipped`, () => {
    const sizes = CONSOLE_FILES.map((path) => {
      const body = file(path);
      return { path, bytes: body.length, gzip: gzipSync(body, { level: 9 }).length };
    });
    const total = sizes.reduce((sum, size) => ({ bytes: sum.bytes + size.bytes, gzip: sum.gzip + size.gzip }), { bytes: 0, gzip: 0 });
    console.log(
      ['served assets (bytes / gzipped):', ...sizes.map((s) => `  ${s.path}: ${s.bytes} / ${s.gzip}`), `  total: ${total.bytes} / ${total.gzip}`].join('\n'),
    );
    expect(total.bytes).toBeLessThan(MAX_BYTES);
    expect(total.gzip).toBeLessThan(MAX_GZIP_BYTES);
  });
});

describe('served by the server', () => {
  let server: NemesisServer;
  let origin: string;

  beforeAll(async () => {
    server = await startServer({ engine: new Engine(), host: '127.0.0.1', port: 0, staticDirectory: CONSOLE_DIRECTORY });
    origin = server.url.replace(/^ws:/, 'http:');
  });

  afterAll(async () => {
    await server?.close();
  });

  it('answers GET / with index.html and every asset with its type, under the CSP', async () => {
    const types: Record<string, RegExp> = {
      '/': /^text\/html/,
      '/console.js': /^text\/javascript/,
      '/console.css': /^text\/css/,
      '/icon.svg': /^image\/svg\+xml/,
    };
    for (const [path, type] of Object.entries(types)) {
      const response = await fetch(origin + path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toMatch(type);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      const body = Buffer.from(await response.arrayBuffer());
      expect(body.equals(file(path === '/' ? 'index.html' : path)), path).toBe(true);
    }
  });
});
