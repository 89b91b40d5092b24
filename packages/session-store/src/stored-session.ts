// The web session as express-session hands it over: how it is written to NemesisDB (plain JSON,
// bigints kept) and how long it lives (the `ttl` option, else its cookie, else one day).

/**
 * What express-session (and @fastify/session) hand to a store: any JSON-able object with an
 * optional cookie. The type the store reads sessions back as when you do not say (`get<MySession>`);
 * its methods take any object (`set<S extends object>`): the frameworks' own types (SessionData,
 * Session) are interfaces, which TypeScript does not let stand for a type with an index signature,
 * so `session({ store })` would refuse a store whose methods took this one.
 */
export interface StoredSession {
  cookie?: { expires?: Date | string | null; maxAge?: number | null; originalMaxAge?: number | null; [member: string]: unknown } | null;
  [member: string]: unknown;
}

/**
 * The `ttl` option: seconds, or a function of the session giving them — or `undefined` for the
 * default (the cookie's expiry, else one day).
 */
export type TtlOption = number | ((session: StoredSession) => number | undefined);

/** One day, in seconds: the TTL of a session whose cookie has no expiry (connect-redis's default). */
export const DEFAULT_TTL_SECONDS = 86_400;

/** The session's TTL in whole seconds: the `ttl` option, else the cookie's expiry, else one day. */
export function sessionTtl(session: StoredSession, option: TtlOption | undefined): number {
  if (typeof option === 'number') return Math.ceil(option);
  if (typeof option === 'function') {
    const seconds = option(session);
    if (seconds !== undefined) {
      if (!isSeconds(seconds)) throw new TypeError(`NemesisStore's ttl function must give seconds or undefined, not ${shown(seconds)}`);
      return Math.ceil(seconds);
    }
  }
  const cookie = session.cookie;
  if (cookie?.expires !== undefined && cookie.expires !== null) return Math.ceil((new Date(cookie.expires).getTime() - Date.now()) / 1000);
  if (typeof cookie?.maxAge === 'number') return Math.ceil(cookie.maxAge / 1000);
  return DEFAULT_TTL_SECONDS;
}

/** The `ttl` option as given, once known to be usable: a number (not NaN) or a function. */
export function checkTtlOption(option: unknown): TtlOption | undefined {
  if (option === undefined || typeof option === 'function' || isSeconds(option)) return option as TtlOption | undefined;
  throw new TypeError(`NemesisStore's ttl must be seconds or a function giving them, not ${shown(option)}`);
}

/**
 * Seconds a NemesisDB session can last: a finite number below 2^53 (≤ 0 destroys). Not Infinity:
 * for sessions that never expire, `disableTTL`.
 */
function isSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER;
}

/** A value as an error message shows it, its type plain: "60" (a string), 60n, NaN. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (value instanceof Promise) return 'a Promise (the ttl function must not be async)';
  return String(value);
}

/** Whether the session's cookie is past its expiry (a server clock ahead, an absolute expiry). */
export function cookieExpired(session: StoredSession): boolean {
  const expires = session.cookie?.expires;
  return expires !== undefined && expires !== null && new Date(expires).getTime() <= Date.now();
}

/** The value as JSON.stringify would write it (toJSON, Dates, no undefined or functions), but with bigints kept for the lossless codec. */
export function plain(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(): unknown }).toJSON();
  }
  if (Array.isArray(value))
    return value.map((item) => (item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : plain(item)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
      // An own member named __proto__ (JSON.parse makes them) stays one: `out[key] =` would set the prototype.
      if (key === '__proto__')
        Object.defineProperty(out, key, { value: plain(member), enumerable: true, writable: true, configurable: true });
      else out[key] = plain(member);
    }
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}
