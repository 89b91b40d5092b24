import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';

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
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

/**
 * The files of a directory, read once at start-up and served from memory by URL path. Only files
 * that exist when the server starts can be served, so no request path can reach outside the
 * directory, whatever it contains (`..`, encoded slashes): it is looked up, never joined.
 */
export class StaticFiles {
  private readonly files = new Map<string, StaticFile>();

  constructor(directory: string) {
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else {
          const urlPath = '/' + relative(directory, path).split(sep).join('/');
          this.files.set(urlPath, { body: readFileSync(path), contentType: CONTENT_TYPES[extname(path)] ?? 'application/octet-stream' });
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

  /** Total bytes served from memory. */
  get bytes(): number {
    let total = 0;
    for (const [path, file] of this.files) if (path !== '/') total += file.body.length;
    return total;
  }
}
