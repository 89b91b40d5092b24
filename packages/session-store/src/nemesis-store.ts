// NemesisStore: an express-session Store (which @fastify/session accepts as it is) that keeps each
// web session as the shared NemesisDB session named `prefix + sid` — so any other service, in any
// language, can open a user's web session by its session id (SH_OPEN).
//
// Per web session, in its NemesisDB session: the key `sess`, the session as JSON (integers beyond
// 2^53 exact). The NemesisDB session is created with the web session's TTL as its duration; it
// expires by itself (deleteSession: true) and is extended by SH_SET (set) and SH_GET (get, touch:
// `extendOnSetAdd` / `extendOnGet`), so steady state is one round trip per call: the store caches
// sid → token and falls back to SH_OPEN when a token stops working (status 100). A write or touch
// with another TTL changes the session's lifetime in place (SH_SET_EXPIRY, sent with the SH_SET in
// the same round trip): the same token, and no moment without the session for any reader.
//
// For all/ids/length/clear the store keeps an index of its sessions as KV keys (session-index.ts).
import {
  NemesisClient,
  NemesisError,
  type ClientOptions,
  type ExpiryOptions,
  type FoundValues,
  type KeyValues,
  type Session,
} from '@nemesisdb/client';
import { LRUCache } from 'lru-cache';
import { eachInTurns } from './in-turns.js';
import { SessionIndex } from './session-index.js';
import { storeBase } from './store-base.js';
import { checkTtlOption, cookieExpired, plain, sessionTtl, type StoredSession, type TtlOption } from './stored-session.js';

export { DEFAULT_TTL_SECONDS, type StoredSession } from './stored-session.js';

export type Callback<T = void> = (error: unknown, result?: T) => void;

export interface NemesisStoreOptions {
  /** The server's URL (`ws://127.0.0.1:1987`); the store opens (and closes) its own client. */
  url?: string;
  /** Options of the client opened for `url` (token, TLS, reconnects). */
  clientOptions?: ClientOptions;
  /** A client to use instead of `url`: the store does not close it. */
  client?: NemesisClient;
  /** Prepended to the session id to make the shared session's name. Default `"sess:"`, as connect-redis. */
  prefix?: string;
  /**
   * Seconds a session lives, or a function of the session giving them. Default: from the
   * cookie's `expires` (or `maxAge`), else one day — as connect-redis does. A TTL ≤ 0 destroys.
   */
  ttl?: TtlOption;
  /** Do not extend sessions on `touch` (nor on `get`): they expire `ttl` after their last `set`. */
  disableTouch?: boolean;
  /**
   * Sessions never expire in NemesisDB (only their cookies do), as connect-redis's `disableTTL`:
   * kept until destroyed; `touch` does nothing, and a TTL ≤ 0 still destroys.
   */
  disableTTL?: boolean;
  /** KV keys of the store's index (for all/ids/length/clear) start with this, then `prefix`. Default `"nemesis-session-store:"`. */
  indexPrefix?: string;
  /**
   * How many sessions' tokens the store keeps, the least recently used dropped first. A session
   * whose token is kept costs one round trip per call; another is found by name first (SH_OPEN).
   * Default 100,000: ~3 MB reserved up front, and ~250–350 bytes more per session cached. At
   * most 10 million.
   */
  cacheSize?: number;
}

const DEFAULT_CACHE_SIZE = 100_000;

/** lru-cache reserves ~28 bytes a slot up front: 10 million is ~280 MB before anything is cached. */
const MAX_CACHE_SIZE = 10_000_000;

function checkCacheSize(size: number | undefined): number {
  if (size === undefined) return DEFAULT_CACHE_SIZE;
  if (!Number.isSafeInteger(size) || size < 1 || size > MAX_CACHE_SIZE) {
    throw new RangeError(`NemesisStore's cacheSize must be a whole number from 1 to ${MAX_CACHE_SIZE}, not ${String(size)}`);
  }
  return size;
}

const DEFAULT_PREFIX = 'sess:';
const DEFAULT_INDEX_PREFIX = 'nemesis-session-store:';
const SESSION_KEY = 'sess';
const SESSION_KEYS: readonly string[] = [SESSION_KEY];

/** Whether a call failed because the session is gone (ended, expired): status 100. */
function isGone(error: unknown): boolean {
  return error instanceof NemesisError && error.status === 100;
}

interface Cached {
  session: Session;
  /** The seconds of the NemesisDB session's lifetime, as this store last set it (0: not known; NEVER with `disableTTL`). */
  ttl: number;
}

/**
 * Whether a NemesisDB session of `duration` seconds serves a write or touch whose TTL is `ttl`
 * as it is. The TTL is the cookie's remaining time rounded up to whole seconds, so a cookie whose
 * maxAge is not whole seconds, or a request that took a second between the cookie's touch and the
 * write (@fastify/session touches it when the request starts), gives one second less now and then;
 * an SH_SET_EXPIRY for that would be one more command per write. Kept, the session outlives the
 * cookie by under two seconds (one, as connect-redis, when the TTLs are equal). A longer TTL never
 * passes: the session must not expire before its cookie.
 */
function sameLifetime(duration: number, ttl: number): boolean {
  return ttl === duration || ttl === duration - 1;
}

/** What a write resolves with once its calls are done. */
function nothing(): void {}

/** How long after a start that could not reach the server a call may try again. */
const RETRY_START_MS = 1_000;

/** The server answers, but not the extensions the store needs: trying again would not help. */
class UnsupportedServerError extends Error {}

/** `Cached.ttl` of a session that never expires (`disableTTL`). */
const NEVER = -1;

/**
 * An express-session store on NemesisDB:
 *
 * ```ts
 * app.use(session({ store: new NemesisStore({ url: 'ws://127.0.0.1:1987' }), secret: '…', resave: false, saveUninitialized: false }));
 * ```
 *
 * Every method takes a callback, or returns a promise when given none.
 */
export class NemesisStore extends storeBase() {
  readonly prefix: string;
  private readonly index: SessionIndex;
  private readonly ttlOption: TtlOption | undefined;
  private readonly disableTouch: boolean;
  private readonly disableTTL: boolean;
  private readonly ownsClient: boolean;
  private clientValue: NemesisClient | undefined;
  private readonly options: NemesisStoreOptions;
  /** The start under way or done: every call waits for it. Replaced by a new attempt after a failure to connect. */
  private started: Promise<NemesisClient>;
  /** When the last start failed to reach the server (ms, performance.now()), so a call may try again; undefined otherwise. */
  private failedAt: number | undefined;
  private closed = false;
  /**
   * sid → its NemesisDB session: one round trip per call while it works. Bounded (`cacheSize`,
   * least recently used out first): a web app sees sessions come and go for as long as it runs,
   * and most are never seen again. A sid no longer here is found again by name (one SH_OPEN).
   */
  private readonly cache: LRUCache<string, Cached>;
  /**
   * sid → the write under way that first has to find its NemesisDB session by name or create it
   * (several round trips), settled when it is done. Calls on that sid wait for it, so that they
   * take effect in the order they were made: a write or destroy made meanwhile could otherwise
   * land before it and be undone by it.
   */
  private readonly making = new Map<string, Promise<void>>();

  constructor(options: NemesisStoreOptions) {
    super();
    if ((options.url === undefined) === (options.client === undefined))
      throw new TypeError('NemesisStore needs exactly one of url and client');
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.index = new SessionIndex((options.indexPrefix ?? DEFAULT_INDEX_PREFIX) + this.prefix);
    this.ttlOption = checkTtlOption(options.ttl);
    this.disableTouch = options.disableTouch ?? false;
    this.disableTTL = options.disableTTL ?? false;
    this.ownsClient = options.client === undefined;
    this.options = options;
    this.cache = new LRUCache({ max: checkCacheSize(options.cacheSize) });
    this.started = this.attempt();
  }

  /**
   * The client once started. A start that could not reach the server (down, or not up yet when
   * the web app started) is tried again by the first call made RETRY_START_MS or more after it
   * failed; calls made before then fail at once with its error, so an outage costs each request
   * no more than a rejected promise. A server that answers but lacks shared sessions is final.
   */
  private connected(): Promise<NemesisClient> {
    if (this.failedAt !== undefined && !this.closed && performance.now() - this.failedAt >= RETRY_START_MS) {
      this.failedAt = undefined;
      this.started = this.attempt();
    }
    return this.started;
  }

  private attempt(): Promise<NemesisClient> {
    const attempt = this.start(this.options);
    // Every call reports a failed start; this also keeps it from being an unhandled rejection.
    attempt.catch((error: unknown) => {
      if (!(error instanceof UnsupportedServerError)) this.failedAt = performance.now();
    });
    return attempt;
  }

  /**
   * Settles once the server is reached and known to have shared sessions and SH_SET_EXPIRY;
   * rejects with a clear error otherwise (e.g. C++ NemesisDB v0.7.4, or our server with
   * `--no-extensions`). Every call waits for it, and fails with that error. After a failure to
   * reach the server, a call (this one too) made a second or more later tries again.
   */
  async ready(): Promise<void> {
    await this.connected();
  }

  private async start(options: NemesisStoreOptions): Promise<NemesisClient> {
    // Made before it connects, so that close() can stop an attempt under way (an unresponsive
    // host holds one for connectTimeoutMs).
    const client = options.client ?? new NemesisClient(options.url!, options.clientOptions);
    this.clientValue = client;
    try {
      if (this.ownsClient) await client.connect();
      // The two extensions it uses, on what nobody has: SH_OPEN of a name nobody uses (102) and
      // SH_SET_EXPIRY of token 0, which no session has (100); a server without them answers 10.
      await Promise.all([
        client.sessions.openShared(`${this.prefix}\u0000probe`),
        client.sessions
          .open(0n)
          .setExpiry({})
          .catch((error: unknown) => {
            if (!isGone(error)) throw error;
          }),
      ]);
    } catch (error) {
      if (this.ownsClient) await client.close().catch(() => {});
      if (error instanceof NemesisError && error.status === 10) {
        throw new UnsupportedServerError(
          'NemesisStore needs a NemesisDB server with shared sessions (SH_OPEN, SH_SET_EXPIRY): this one answers them as unknown — C++ NemesisDB v0.7.4, or our server started with --no-extensions',
          { cause: error },
        );
      }
      throw error;
    }
    if (this.ownsClient) client.on('close', () => this.clientClosed(client));
    return client;
  }

  /**
   * The client this store opened closed by itself: it gave up reconnecting (`reconnect` off, or
   * its `maxAttempts` spent). Treated as a failed start, so that a call a second or more later
   * opens a new one; the sessions cached on the old one are dropped (their tokens still hold).
   */
  private clientClosed(client: NemesisClient): void {
    if (this.closed || this.clientValue !== client) return;
    this.cache.clear();
    const gone = new Error(`NemesisStore: the connection to ${client.url} was lost and the client gave up reconnecting`);
    this.started = Promise.reject(gone);
    this.started.catch(() => {});
    this.failedAt = performance.now();
  }

  /** Closes the client the store opened (not one it was given), also while it is still connecting. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.ownsClient) await this.clientValue?.close();
  }

  // ------------------------------------------------------------------------- the Store API

  get<S extends object = StoredSession>(sid: string, callback?: Callback<S | null>): Promise<S | null> {
    return this.settle(this.read(sid) as Promise<S | null>, callback);
  }

  set<S extends object>(sid: string, session: S, callback?: Callback): Promise<void> {
    return this.settle(this.write(sid, session as StoredSession), callback);
  }

  destroy(sid: string, callback?: Callback): Promise<void> {
    return this.settle(this.remove(sid), callback);
  }

  touch<S extends object>(sid: string, session: S, callback?: Callback): Promise<void> {
    return this.settle(this.renew(sid, session as StoredSession), callback);
  }

  /** Every live session of this store (this prefix), by sid. */
  all<S extends object = StoredSession>(callback?: Callback<Record<string, S>>): Promise<Record<string, S>> {
    return this.settle(this.readAll() as Promise<Record<string, S>>, callback);
  }

  /** The sids of every live session of this store. */
  ids(callback?: Callback<string[]>): Promise<string[]> {
    return this.settle(
      this.liveIndex().then((entries) => entries.map(([sid]) => sid)),
      callback,
    );
  }

  /** How many live sessions this store has. */
  length(callback?: Callback<number>): Promise<number> {
    return this.settle(
      this.liveIndex().then((entries) => entries.length),
      callback,
    );
  }

  /** Destroys every session of this store. */
  clear(callback?: Callback): Promise<void> {
    return this.settle(this.removeAll(), callback);
  }

  // ------------------------------------------------------------------------- internals

  /** Calls back (error first) and also returns the promise, which then never rejects unhandled. */
  private settle<T>(work: Promise<T>, callback: Callback<T> | undefined): Promise<T> {
    if (callback === undefined) return work;
    work.then(
      (value) => callback(null, value),
      (error: unknown) => callback(error),
    );
    return work.catch(() => undefined as T);
  }

  private name(sid: string): string {
    return this.prefix + sid;
  }

  /** The cached session of `sid`, else the shared session of its name (then cached), else undefined. */
  private async find(sid: string): Promise<Cached | undefined> {
    const cached = this.cache.get(sid);
    if (cached !== undefined) return cached;
    const client = await this.connected();
    const session = await client.sessions.openShared(this.name(sid));
    if (session === null) return undefined;
    // Its lifetime is asked (SH_INFO) only when a write needs to compare it.
    const found = { session, ttl: 0 };
    this.cache.set(sid, found);
    return found;
  }

  private read(sid: string): Promise<StoredSession | null> {
    const making = this.making.get(sid);
    if (making !== undefined) return making.then(() => this.read(sid));
    // The steady state, without an async frame of its own: the cached session, one SH_GET.
    const cached = this.cache.get(sid);
    if (cached === undefined) return this.readSlowly(sid);
    return cached.session.get(SESSION_KEYS).then(
      (values) => this.stored(sid, values),
      (error: unknown) => {
        if (!isGone(error)) throw error;
        if (this.cache.peek(sid) === cached) this.cache.delete(sid);
        return this.readSlowly(sid); // ended or expired behind our back: ask by name
      },
    );
  }

  private async readSlowly(sid: string): Promise<StoredSession | null> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const found = await this.find(sid);
      if (found === undefined) return null;
      try {
        return await this.stored(sid, await found.session.get(SESSION_KEYS));
      } catch (error) {
        if (!isGone(error)) throw error;
        this.cache.delete(sid); // ended or expired behind our back: ask by name once more
      }
    }
    return null;
  }

  /** The web session in what SH_GET found, if any. */
  private stored(sid: string, values: FoundValues): StoredSession | null | Promise<null> {
    const stored = values[SESSION_KEY] as StoredSession | undefined;
    if (stored === undefined || stored === null || typeof stored !== 'object') return null;
    // A cookie past its expiry (a server clock ahead, an absolute expiry) is no session.
    if (cookieExpired(stored)) return this.remove(sid).then(() => null);
    return stored;
  }

  private write(sid: string, session: StoredSession): Promise<void> {
    let ttl: number;
    try {
      ttl = sessionTtl(session, this.ttlOption); // may run the app's ttl function
    } catch (error) {
      return Promise.reject(error as Error); // to the callback, as from any other failure
    }
    if (ttl <= 0) return this.remove(sid);
    const making = this.making.get(sid);
    if (making !== undefined) {
      const value = plain(session); // as it is now: the app may change the object meanwhile
      return making.then(() => this.writeValue(sid, value, ttl));
    }
    const cached = this.cache.get(sid);
    if (cached === undefined) return this.writeValue(sid, plain(session), ttl);
    // The steady state: one SH_SET, which also extends the session (extendOnSetAdd). The SDK
    // writes the value as JSON.stringify would (toJSON, no undefined or functions), during this
    // call, so no copy is made first: 1.3 µs of the web app's CPU per write, of ~17 µs for a
    // get and a set together.
    return this.setCached(sid, cached, session, ttl);
  }

  /** The settings of a NemesisDB session that keeps a web session for `ttl` seconds (none with `disableTTL`: it never expires). */
  private lifetime(ttl: number): ExpiryOptions {
    if (this.disableTTL) return {};
    return { durationSeconds: ttl, deleteSessionOnExpire: true, extendOnSetAdd: true, extendOnGet: !this.disableTouch };
  }

  /** `Cached.ttl` once the session has the lifetime of a write or touch with `ttl`. */
  private lifetimeOf(ttl: number): number {
    return this.disableTTL ? NEVER : ttl;
  }

  /** Whether a session whose lifetime is `known` (`Cached.ttl`) serves a write or touch with `ttl` as it is. */
  private fits(known: number, ttl: number): boolean {
    return this.disableTTL ? known === NEVER : sameLifetime(known, ttl);
  }

  /**
   * One SH_SET on the cached session, after an SH_SET_EXPIRY in the same round trip when the TTL
   * asks for another lifetime. When the session was ended or expired behind our back, the write
   * again by name (or anew). express-session no longer changes a session it has handed to set,
   * so the object still holds what it held then.
   */
  private setCached(sid: string, cached: Cached, value: unknown, ttl: number): Promise<void> {
    return this.put(cached, value, ttl).catch((error: unknown) => {
      // Whatever failed, the session's lifetime is no longer known here.
      if (this.cache.peek(sid) === cached) this.cache.delete(sid);
      if (!isGone(error)) throw error;
      // This write took the cached way, so no call on the sid was in `making` when it began. One
      // there now is a later write or destroy that took the slow way meanwhile (the sid dropped
      // from the cache, or its session gone): it has the last word, and this older write, sent
      // again now, would land after it (and bring back a destroyed session).
      if (this.making.has(sid)) return;
      return this.writeValue(sid, plain(value), ttl);
    });
  }

  /**
   * The write itself on a known session: one SH_SET, which extends it (extendOnSetAdd), or, when
   * the TTL asks for another lifetime, an SH_SET_EXPIRY and the SH_SET in the same round trip.
   */
  private put(cached: Cached, value: unknown, ttl: number): Promise<void> {
    const keys = { [SESSION_KEY]: value } as KeyValues;
    if (this.fits(cached.ttl, ttl)) return cached.session.set(keys);
    // Calls made after this one reach the server after it: they may count on the new lifetime.
    cached.ttl = this.lifetimeOf(ttl);
    return Promise.all([cached.session.setExpiry(this.lifetime(ttl)), cached.session.set(keys)]).then(nothing);
  }

  /** A write of a copy of the session (see write), after any other write still finding or creating that sid's. */
  private writeValue(sid: string, value: unknown, ttl: number): Promise<void> {
    const making = this.making.get(sid);
    if (making !== undefined) return making.then(() => this.writeValue(sid, value, ttl));
    const cached = this.cache.get(sid);
    if (cached !== undefined) return this.setCached(sid, cached, value, ttl);
    return this.holdSid(sid, this.writeSlowly(sid, value, ttl));
  }

  /**
   * Makes later calls on `sid` wait for `work` (`making`) and returns it. The entry settles (never
   * rejects) once the work is over and is then removed, so that calls waiting on it go their usual way.
   */
  private holdSid(sid: string, work: Promise<void>): Promise<void> {
    const done: Promise<void> = work
      .catch(() => {})
      .then(() => {
        if (this.making.get(sid) === done) this.making.delete(sid);
      });
    this.making.set(sid, done);
    return work;
  }

  /**
   * A write that first has to find the NemesisDB session by name, or create it. `value` is a copy
   * made when the write was asked for, since the round trips before the SH_SET let the app run
   * meanwhile.
   */
  private async writeSlowly(sid: string, value: unknown, ttl: number): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const found = await this.find(sid);
      if (found !== undefined) {
        // Opened by name (a restart of the web app, another instance): its lifetime is not known
        // here, so put sets it with the value, in the same round trip (SH_SET_EXPIRY, SH_SET).
        try {
          await this.put(found, value, ttl);
          return;
        } catch (error) {
          if (this.cache.peek(sid) === found) this.cache.delete(sid);
          if (!isGone(error)) throw error;
          continue;
        }
      }
      const created = await this.create(sid, ttl);
      if (created === undefined) continue; // another request created it meanwhile: use that one
      // The index entry and the data in one round trip (the client pipelines them).
      const client = await this.connected();
      const [stored, indexed] = await Promise.allSettled([
        created.session.set({ [SESSION_KEY]: value } as KeyValues),
        this.index.add(client, sid, created.session.token),
      ]);
      if (stored.status === 'rejected') {
        const error = stored.reason as unknown;
        // Refused before it was sent (larger than the server reads: RangeError; not JSON: TypeError):
        // the session just made for it would stay behind empty, counted by ids() and length().
        if (error instanceof RangeError || error instanceof TypeError) {
          if (this.cache.peek(sid) === created) this.cache.delete(sid);
          await Promise.allSettled([created.session.end(), this.index.remove(client, sid, created.session.token)]);
        }
        throw error;
      }
      if (indexed.status === 'rejected') throw indexed.reason;
      return;
    }
    throw new Error(`NemesisStore: the session ${JSON.stringify(sid)} kept changing while it was written`);
  }

  /** Creates the shared session of `sid`; undefined when another request (or server) just did. */
  private async create(sid: string, ttl: number): Promise<Cached | undefined> {
    const client = await this.connected();
    try {
      const session = await client.sessions.create({ shared: this.name(sid), ...this.lifetime(ttl) });
      const created = { session, ttl: this.lifetimeOf(ttl) };
      this.cache.set(sid, created);
      return created;
    } catch (error) {
      if (error instanceof NemesisError && error.status === 103) return undefined;
      throw error;
    }
  }

  /**
   * Ends the session of `sid`. Calls on the sid made after this one wait for it (as for a first
   * write, `making`): a `set` right after a `destroy`, not awaited in between, must not be undone by
   * it, nor reach the old token first.
   */
  private remove(sid: string): Promise<void> {
    return this.holdSid(sid, this.removeAfter(sid, this.making.get(sid)));
  }

  private async removeAfter(sid: string, before: Promise<void> | undefined): Promise<void> {
    await before;
    const client = await this.connected();
    const cached = this.cache.get(sid);
    this.cache.delete(sid);
    // The index entry of each session ended, in the same round trip as its SH_END.
    const unindexed: Promise<void>[] = [];
    const end = async () => {
      if (cached !== undefined) {
        unindexed.push(this.index.remove(client, sid, cached.session.token));
        try {
          await cached.session.end();
          return;
        } catch (error) {
          if (!isGone(error)) throw error; // gone already; a new one of that name may exist
        }
      }
      const session = await client.sessions.openShared(this.name(sid));
      if (session === null) return;
      unindexed.push(this.index.remove(client, sid, session.token));
      await session.end().catch((error: unknown) => {
        if (!isGone(error)) throw error;
      });
    };
    try {
      await end();
    } catch (error) {
      await Promise.allSettled(unindexed);
      throw error;
    }
    await Promise.all(unindexed);
  }

  /**
   * Restarts the session's lifetime, if it still exists: a touch never brings back a session that
   * was destroyed (a logout while a read-only request was in flight) or has expired, as
   * connect-redis's does not. A TTL ≤ 0 destroys it, as a write would.
   */
  private async renew(sid: string, session: StoredSession): Promise<void> {
    if (this.disableTouch || this.disableTTL) return;
    const ttl = sessionTtl(session, this.ttlOption);
    if (ttl <= 0) return this.remove(sid);
    await this.making.get(sid);
    const found = await this.find(sid);
    if (found === undefined) return;
    try {
      if (this.fits(found.ttl, ttl)) {
        await found.session.get([]); // extends it (extendOnGet): now + ttl
      } else {
        found.ttl = this.lifetimeOf(ttl);
        await found.session.setExpiry(this.lifetime(ttl)); // another lifetime, from now
      }
    } catch (error) {
      if (this.cache.peek(sid) === found) this.cache.delete(sid);
      if (!isGone(error)) throw error; // gone meanwhile: nothing to renew
    }
  }

  /** [sid, token] of every indexed session that is still live. */
  private async liveIndex(): Promise<[string, string][]> {
    return this.index.live(await this.connected());
  }

  private async readAll(): Promise<Record<string, StoredSession>> {
    const all: Record<string, StoredSession> = {};
    const client = await this.connected();
    await eachInTurns(await this.liveIndex(), async ([sid, token]) => {
      const session = await this.readIndexed(client, sid, token);
      // An own property whatever the sid: `all.__proto__ = …` would set the object's prototype.
      if (session !== null) Object.defineProperty(all, sid, { value: session, enumerable: true, writable: true, configurable: true });
    });
    return all;
  }

  /**
   * A session `all` lists, read by the token its index entry holds: no SH_OPEN, and not cached, so
   * that listing many sessions does not push the active ones out of the cache. One with a call
   * under way or cached is read the usual way (after that call; on its cached token), and so is
   * one whose token stopped working (made anew meanwhile).
   */
  private async readIndexed(client: NemesisClient, sid: string, token: string): Promise<StoredSession | null> {
    if (this.making.has(sid) || this.cache.has(sid)) return this.read(sid);
    try {
      return await this.stored(sid, await client.sessions.open(token).get(SESSION_KEYS));
    } catch (error) {
      if (!isGone(error)) throw error;
      return this.read(sid);
    }
  }

  private async removeAll(): Promise<void> {
    await eachInTurns(await this.liveIndex(), ([sid]) => this.remove(sid));
  }

  /** The client, once started (for tests and diagnostics). */
  get client(): NemesisClient | undefined {
    return this.clientValue;
  }
}
