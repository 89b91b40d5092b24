// Static files as a browser gets them: compressed when it accepts it, 304 when its copy is
// current, cached for a year when the name carries a content hash. Raw HTTP (node:http), since
// fetch would decompress and hide Content-Encoding.
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Engine } from '@nemesisdb/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type NemesisServer } from './server.js';
import { IMMUTABLE, REVALIDATE, chooseEncoding, matchesEtag } from './static-files.js';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

describe('chooseEncoding', () => {
  const both = ['br', 'gzip'] as const;
  it('prefers brotli, honours q-values and *, and offers only what the file has', () => {
    expect(chooseEncoding('gzip, deflate, br, zstd', both)).toBe('br');
    expect(chooseEncoding('gzip, deflate', both)).toBe('gzip');
    expect(chooseEncoding('br;q=0, gzip', both)).toBe('gzip');
    expect(chooseEncoding('br;q=0.5, gzip;q=0.8', both)).toBe('gzip');
    expect(chooseEncoding('*', both)).toBe('br');
    expect(chooseEncoding('*;q=0, gzip', both)).toBe('gzip');
    expect(chooseEncoding('identity', both)).toBeUndefined();
    expect(chooseEncoding('br', ['gzip'])).toBeUndefined();
    expect(chooseEncoding(undefined, both)).toBeUndefined();
    expect(chooseEncoding('', both)).toBeUndefined();
    expect(chooseEncoding('br;q=nonsense, x-gzip', both)).toBe('gzip');
  });
});

describe('matchesEtag', () => {
  it('compares weakly, across encodings, in lists, and * matches', () => {
    expect(matchesEtag('"abc"', '"abc"')).toBe(true);
    expect(matchesEtag('W/"abc"', '"abc"')).toBe(true);
    expect(matchesEtag('"abc-br"', '"abc"')).toBe(true);
    expect(matchesEtag('"x", "abc-gzip"', '"abc"')).toBe(true);
    expect(matchesEtag('*', '"abc"')).toBe(true);
    expect(matchesEtag('"abd"', '"abc"')).toBe(false);
    expect(matchesEtag('', '"abc"')).toBe(false);
    expect(matchesEtag(undefined, '"abc"')).toBe(false);
  });
});

describe('static files over HTTP', () => {
  let directory: string;
  let server: NemesisServer;
  const script = `export const text = ${JSON.stringify('NemesisDB console '.repeat(400))};\n`;
  const html = `<!doctype html><title>console</title><script type="module" src="console.1a2b3c4d.js"></script>${'<p>text</p>'.repeat(100)}`;

  function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port: server.port, path, method, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      });
      request.on('error', reject);
      request.end();
    });
  }

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'nemesisdb-static-files-'));
    writeFileSync(join(directory, 'index.html'), html);
    writeFileSync(join(directory, 'console.1a2b3c4d.js'), script);
    writeFileSync(join(directory, 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(directory, 'shot.png'), Buffer.alloc(4096, 7));
    // Listed but gone by the time it is read, as while the directory is being rebuilt.
    symlinkSync(join(directory, 'no-such-file.js'), join(directory, 'gone.js'));
    server = await startServer({ engine: new Engine(), host: '127.0.0.1', port: 0, staticDirectory: directory });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('sends brotli or gzip as accepted, and the same bytes once decoded', async () => {
    const br = await get('/console.1a2b3c4d.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toBe('Accept-Encoding');
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(script.length / 10);
    expect(brotliDecompressSync(br.body).toString()).toBe(script);

    const gzip = await get('/console.1a2b3c4d.js', { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).toString()).toBe(script);

    const plain = await get('/console.1a2b3c4d.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(script);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    // Each representation has its own validator.
    expect(new Set([br.headers.etag, gzip.headers.etag, plain.headers.etag]).size).toBe(3);
  });

  it('does not compress what would not shrink: tiny files and PNGs', async () => {
    for (const path of ['/icon.svg', '/shot.png']) {
      const answer = await get(path, { 'accept-encoding': 'br, gzip' });
      expect(answer.status, path).toBe(200);
      expect(answer.headers['content-encoding'], path).toBeUndefined();
      expect(answer.headers.etag, path).toMatch(/^"[\w-]+"$/);
    }
  });

  it('answers 304 without a body when the browser’s copy is current, 200 when it is not', async () => {
    const first = await get('/', { 'accept-encoding': 'br' });
    expect(first.status).toBe(200);
    const etag = first.headers.etag!;
    const again = await get('/', { 'accept-encoding': 'br', 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    expect(again.headers['cache-control']).toBe(REVALIDATE);
    expect(again.headers['content-security-policy']).toContain("default-src 'self'");
    // The same content asked for in another encoding is still current.
    expect((await get('/', { 'accept-encoding': 'gzip', 'if-none-match': etag })).status).toBe(304);
    expect((await get('/', { 'if-none-match': `W/${etag}` })).status).toBe(304);
    expect((await get('/', { 'if-none-match': '"something-else"' })).status).toBe(200);
    // index.html and / are the same file.
    expect((await get('/index.html', { 'if-none-match': etag })).status).toBe(304);
  });

  it('lets browsers keep hashed files for a year and revalidate the rest', async () => {
    expect((await get('/console.1a2b3c4d.js')).headers['cache-control']).toBe(IMMUTABLE);
    expect((await get('/')).headers['cache-control']).toBe('no-cache');
    expect((await get('/icon.svg')).headers['cache-control']).toBe('no-cache');
  });

  it('starts although a listed file is gone, and does not serve it', async () => {
    expect((await get('/gone.js')).status).toBe(426);
    expect((await get('/')).status).toBe(200);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const head = await get('/', { 'accept-encoding': 'gzip' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-encoding']).toBe('gzip');
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    expect(head.body.length).toBe(0);
  });
});
