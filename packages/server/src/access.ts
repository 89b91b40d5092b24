import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Who may connect: bearer tokens and browser origins, checked at the WebSocket upgrade.
 * Tokens are compared in constant time (as SHA-256 digests, so lengths do not leak either) and are
 * never logged.
 */
export class AccessPolicy {
  private readonly digests: Buffer[];
  private readonly origins: ReadonlySet<string> | null;

  constructor(tokens: readonly string[] = [], origins?: readonly string[]) {
    this.digests = tokens.map(digest);
    this.origins = origins === undefined ? null : new Set(origins.map((origin) => origin.toLowerCase()));
  }

  get requiresToken(): boolean {
    return this.digests.length > 0;
  }

  /** Whether the request carries an accepted token (always true when no token is configured). */
  authorized(request: IncomingMessage): boolean {
    if (this.digests.length === 0) return true;
    const presented = bearerToken(request) ?? queryToken(request);
    if (presented === undefined) return false;
    const candidate = digest(presented);
    let accepted = false;
    // Compare against every token, without stopping early.
    for (const known of this.digests) accepted = timingSafeEqual(candidate, known) || accepted;
    return accepted;
  }

  /**
   * Whether a browser's origin may connect: listed, or the server's own (a page it served, such as
   * the console). Requests without an Origin header (non-browser clients) may.
   */
  originAllowed(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (this.origins === null || origin === undefined || this.origins.has(origin.toLowerCase())) return true;
    const host = request.headers.host;
    return host !== undefined && /^https?:\/\//i.test(origin) && origin.replace(/^https?:\/\//i, '').toLowerCase() === host.toLowerCase();
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function queryToken(request: IncomingMessage): string | undefined {
  const query = (request.url ?? '').split('?')[1];
  if (query === undefined) return undefined;
  return new URLSearchParams(query).get('token') ?? undefined;
}
