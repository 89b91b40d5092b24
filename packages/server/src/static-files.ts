import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  // Markdown shown as text: browsers download text/markdown instead of displaying it.
  '.md': 'text/plain; charset=utf-8',
};

/** Types worth compressing (images such as PNG are compressed already). */
const COMPRESSIBLE = /^(text\/|application\/json|image\/svg\+xml)/;
/** Below this, a compressed body plus its header costs about as much as the raw one. */
const MIN_COMPRESS_BYTES = 512;

/**
 * A file name with a content hash in it, as bundlers write them: `console.3f9a1c2b.js`,
 * `app-5KQ2ZJ7M.css`. Its content never changes under that name, so browsers may keep it for a year.
 */
const HASHED_NAME = /[.-][0-9A-Za-z]{8,}\.[a-z0-9]+$/;
/** `Cache-Control` of hashed files: a year, never revalidated. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** `Cache-Control` of the rest (`/`, index.html, icon.svg): kept, but revalidated (ETag → 304) on each use. */
export const REVALIDATE = 'no-cache';

export type ContentEncoding = 'br' | 'gzip';

export interface StaticFile {
  body: Buffer;
  contentType: string;
  /** Strong validator of the raw body; each encoding has its own (`"…-br"`, `"…-gzip"`). */
  etag: string;
  cacheControl: string;
  /** The encodings worth trying for this file (text of 512 bytes or more). */
  encodings: readonly ContentEncoding[];
  /**
   * The body in an encoding, compressed on first use and kept; `undefined` when compressing does
   * not make it smaller.
   */
  encoded(encoding: ContentEncoding): Buffer | undefined;
}

/**
 * The encoding to send for an `Accept-Encoding` header: brotli, else gzip, among those the client
 * accepts with a non-zero q-value (`*` counts for both), and only those the file has.
 */
export function chooseEncoding(acceptEncoding: string | undefined, available: readonly ContentEncoding[]): ContentEncoding | undefined {
  if (acceptEncoding === undefined || available.length === 0) return undefined;
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    accepted.set(name, Number.isFinite(weight) ? weight : 0);
  }
  const weightOf = (encoding: ContentEncoding) =>
    accepted.get(encoding) ?? (encoding === 'gzip' ? accepted.get('x-gzip') : undefined) ?? accepted.get('*') ?? 0;
  let best: ContentEncoding | undefined;
  for (const encoding of ['br', 'gzip'] as const) {
    if (!available.includes(encoding)) continue;
    const weight = weightOf(encoding);
    if (weight > 0 && (best === undefined || weight > weightOf(best))) best = encoding;
  }
  return best;
}

/**
 * Whether an `If-None-Match` header names the file's current content. Weak comparison (RFC 9110
 * §13.1.2): `W/` is ignored, and so is the encoding suffix, since every encoding of a file is the
 * same content; `*` matches any file.
 */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = (tag: string) =>
    tag
      .trim()
      .replace(/^W\//, '')
      .replace(/^"(.*)"$/, '$1')
      .replace(/-(br|gzip)$/, '');
  const current = opaque(etag);
  return ifNoneMatch.split(',').some((tag) => opaque(tag) === current);
}

function compress(body: Buffer, encoding: ContentEncoding): Buffer {
  if (encoding === 'gzip') return gzipSync(body, { level: 9 });
  return brotliCompressSync(body, {
    params: {
      [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
      [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
      [zlib.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
}

/**
 * Each encoding of a body, made when first asked for and kept (null: not smaller than the body).
 * Not at start-up: brotli at its best quality costs tens of milliseconds per 50 KB, and most
 * files (the docs) are rarely asked for; the first request for a file pays it once.
 */
function lazyEncodings(body: Buffer): (encoding: ContentEncoding) => Buffer | undefined {
  const made = new Map<ContentEncoding, Buffer | null>();
  return (encoding) => {
    let encoded = made.get(encoding);
    if (encoded === undefined) {
      const compressed = compress(body, encoding);
      encoded = compressed.length < body.length ? compressed : null;
      made.set(encoding, encoded);
    }
    return encoded ?? undefined;
  };
}

/**
 * The files of a directory, read once at start-up and served from memory by URL path. Only files
 * that exist when the server starts can be served, so no request path can reach outside the
 * directory, whatever it contains (`..`, encoded slashes): it is looked up, never joined.
 *
 * Each file is compressed once, when first asked for in an encoding (brotli at its best quality,
 * gzip at level 9: paid once, not per request), and served in the best encoding the browser
 * accepts. Each
 * has an ETag, so a browser that has it already gets a 304 without a body; files with a content
 * hash in their name are cacheable for a year.
 */
export class StaticFiles {
  private readonly files = new Map<string, StaticFile>();

  constructor(directory: string) {
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        // A file gone between the listing and the read (the directory being rebuilt as the server
        // starts) is not served, rather than failing the start.
        const stats = statSync(path, { throwIfNoEntry: false });
        if (stats === undefined) continue;
        if (stats.isDirectory()) walk(path);
        else {
          const urlPath = '/' + relative(directory, path).split(sep).join('/');
          let body: Buffer;
          try {
            body = readFileSync(path);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
            throw error;
          }
          const contentType = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
          this.files.set(urlPath, {
            body,
            contentType,
            etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
            cacheControl: HASHED_NAME.test(entry) ? IMMUTABLE : REVALIDATE,
            encodings: COMPRESSIBLE.test(contentType) && body.length >= MIN_COMPRESS_BYTES ? ['br', 'gzip'] : [],
            encoded: lazyEncodings(body),
          });
        }
      }
    };
    walk(directory);
    const index = this.files.get('/index.html');
    if (index !== undefined) this.files.set('/', index);
  }

  /** The file at a request path (query string ignored), if there is one. */
  get(urlPath: string): StaticFile | undefined {
    return this.files.get(urlPath);
  }

  /** Total bytes served from memory (raw bodies). */
  get bytes(): number {
    let total = 0;
    for (const [path, file] of this.files) if (path !== '/') total += file.body.length;
    return total;
  }

  /**
   * Answers a GET or HEAD for `file`: 304 when the browser's copy is current (If-None-Match), else
   * 200 with the body in the best encoding accepted. `headers` are added to both (e.g. the CSP).
   */
  serve(request: IncomingMessage, response: ServerResponse, file: StaticFile, headers: OutgoingHttpHeaders = {}): void {
    const chosen = chooseEncoding(request.headers['accept-encoding'], file.encodings);
    const encodedBody = chosen === undefined ? undefined : file.encoded(chosen);
    const encoding = encodedBody === undefined ? undefined : chosen;
    const etag = encoding === undefined ? file.etag : `${file.etag.slice(0, -1)}-${encoding}"`;
    const common: OutgoingHttpHeaders = {
      ...headers,
      etag,
      'cache-control': file.cacheControl,
      // Caches between here and the browser must keep one copy per encoding.
      ...(file.encodings.length > 0 ? { vary: 'Accept-Encoding' } : {}),
    };
    if (matchesEtag(request.headers['if-none-match'], file.etag)) {
      response.writeHead(304, common).end();
      return;
    }
    const body = encodedBody ?? file.body;
    response.writeHead(200, {
      ...common,
      'content-type': file.contentType,
      'content-length': body.length,
      ...(encoding === undefined ? {} : { 'content-encoding': encoding }),
    });
    response.end(request.method === 'HEAD' ? undefined : body);
  }
}
