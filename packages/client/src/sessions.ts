import { MAX_UINT64, Status } from '@nemesisdb/protocol';
import type { CommandRunner, RequestOptions } from './command.js';
import { NemesisError } from './errors.js';
import { tokenToBigInt, type SessionToken, type TokenLike } from './token.js';
import { presence, type FoundValues, type KeyValues, type SaveResult } from './values.js';

/** How a session expires: given to {@link Sessions.create}, or later to {@link Session.setExpiry}. */
export interface ExpiryOptions {
  /**
   * Lifetime in whole seconds. Absent or 0: the session never expires (and the three flags below
   * must then be left off). A `bigint` is accepted for values beyond 2^53 − 1.
   */
  durationSeconds?: number | bigint;
  /** On expiry, end the session itself (its token stops working) rather than only clearing its keys. Default false. */
  deleteSessionOnExpire?: boolean;
  /** Each `set`/`add` restarts the lifetime (now + duration). Default false. */
  extendOnSetAdd?: boolean;
  /** Each `get` restarts the lifetime (now + duration). Default false. */
  extendOnGet?: boolean;
}

/** How a new session expires, and whether it is shared; see {@link Sessions.create}. */
export interface CreateSessionOptions extends RequestOptions, ExpiryOptions {
  /**
   * Create a **shared session** with this name (an extension of our server; not in v0.7.4): any
   * client can then get it with {@link Sessions.openShared}. A non-empty string. When a live
   * shared session already has the name, `create` rejects with a NemesisError of status 103
   * (`SessionNewFail`) whose `response.tkn` is that session's token, and nothing changes.
   */
  shared?: string;
}

/** How an expiring session expires, as {@link Session.info} reports it. */
export interface SessionExpiryInfo {
  /** The lifetime in seconds, as created or last set by {@link Session.setExpiry}. */
  durationSeconds: number | bigint;
  /** Whole seconds left, truncated toward zero. */
  remainingSeconds: number;
  /** The session ends on expiry (otherwise only its keys are cleared and the lifetime restarts). */
  deleteSessionOnExpire: boolean;
  /** `set`/`add` restart the lifetime. */
  extendOnSetAdd: boolean;
  /** `get` restarts the lifetime. */
  extendOnGet: boolean;
}

/** What {@link Session.info} reports. */
export type SessionInfo =
  | {
      /** The session's token. */
      token: SessionToken;
      /** How many keys the session holds. */
      keyCount: number;
      /** A shared session (created with `shared: name`); always false on v0.7.4. */
      shared: boolean;
      /** This session never expires. */
      expires: false;
    }
  | {
      /** The session's token. */
      token: SessionToken;
      /** How many keys the session holds. */
      keyCount: number;
      /** A shared session (created with `shared: name`); always false on v0.7.4. */
      shared: boolean;
      /** This session expires. */
      expires: true;
      /** How it expires. */
      expiry: SessionExpiryInfo;
    };

/** Totals over every session, from {@link Sessions.infoAll}. */
export interface SessionTotals {
  /** Number of sessions. */
  sessions: number;
  /** Number of keys over all sessions (independent KV keys not included). */
  keys: number;
}

/** The result of {@link Sessions.load}. */
export interface SessionLoadResult {
  /** The dataset name. */
  name: string;
  /** Sessions added (sessions whose token already existed are skipped and not counted). */
  sessions: number;
  /** Keys of the sessions added. */
  keys: number;
}

/** Options of {@link Sessions.save}. */
export interface SaveSessionsOptions extends RequestOptions {
  /** Save only these sessions (unknown tokens are skipped). Absent: every session. Must not be empty. */
  tokens?: readonly TokenLike[];
}

/**
 * Checks expiry options as v0.7.4's Python client does, before anything is sent, and builds the
 * `expiry` member of SH_NEW.
 *
 * @throws RangeError for a negative or non-integer duration, or a flag set without a duration.
 */
export function expiryOf(options: ExpiryOptions): { expiry?: Record<string, unknown> } {
  const { durationSeconds = 0, deleteSessionOnExpire = false, extendOnSetAdd = false, extendOnGet = false } = options;
  const valid =
    typeof durationSeconds === 'bigint'
      ? durationSeconds >= 0n && durationSeconds <= MAX_UINT64
      : Number.isSafeInteger(durationSeconds) && durationSeconds >= 0;
  if (!valid) {
    throw new RangeError(`durationSeconds must be a whole number of seconds ≥ 0 (got ${String(durationSeconds)})`);
  }
  for (const [name, flag] of Object.entries({ deleteSessionOnExpire, extendOnSetAdd, extendOnGet })) {
    if (typeof flag !== 'boolean') throw new TypeError(`${name} must be a boolean (got ${typeof flag})`);
  }
  const never = durationSeconds === 0 || durationSeconds === 0n;
  if (never) {
    if (deleteSessionOnExpire || extendOnSetAdd || extendOnGet) {
      throw new RangeError(
        'deleteSessionOnExpire, extendOnSetAdd and extendOnGet need durationSeconds > 0 (a session without a duration never expires)',
      );
    }
    return {};
  }
  return { expiry: { duration: durationSeconds, deleteSession: deleteSessionOnExpire, extendOnSetAdd, extendOnGet } };
}

/** What a write resolves with: nothing (the reply's status was checked already). */
function nothing(): void {}

/**
 * Checks a shared session's name before anything is sent: the server refuses anything but a
 * non-empty string (41, 42).
 *
 * @throws TypeError when `name` is not a string, RangeError when it is empty.
 */
function checkSharedName(name: unknown): string {
  if (typeof name !== 'string') throw new TypeError(`a shared session's name must be a string (got ${typeof name})`);
  if (name === '') throw new RangeError("a shared session's name must not be empty");
  return name;
}

/**
 * One session: a token and its own keys (`SH_*` commands). Get one from
 * {@link Sessions.create} or {@link Sessions.open}; it is a handle, not a cache — every method is
 * one request to the server.
 *
 * Every method rejects with a NemesisError of status 100 (`SessionNotExist`) when the session
 * does not exist (never created, ended, or expired with `deleteSessionOnExpire`).
 */
export class Session {
  /** The token, as a decimal string: keep it (cookie, JSON) to {@link Sessions.open} the session later. */
  readonly token: SessionToken;
  private readonly tkn: bigint;

  /** @internal Use `db.sessions.create()` or `db.sessions.open(token)`. */
  constructor(
    private readonly runner: CommandRunner,
    token: TokenLike,
  ) {
    this.tkn = tokenToBigInt(token);
    this.token = String(this.tkn) as SessionToken;
  }

  /** Stores keys in the session, overwriting existing ones (SH_SET). Restarts the lifetime with `extendOnSetAdd`. */
  set(keys: KeyValues, options?: RequestOptions): Promise<void> {
    return this.runner.run('SH_SET', { tkn: this.tkn, keys }, options).then(nothing);
  }

  /** Stores keys that do not exist yet; existing keys are left as they are (SH_ADD). Restarts the lifetime with `extendOnSetAdd`. */
  add(keys: KeyValues, options?: RequestOptions): Promise<void> {
    return this.runner.run('SH_ADD', { tkn: this.tkn, keys }, options).then(nothing);
  }

  /**
   * Reads keys (SH_GET). Only keys that exist are members of the result: `(await s.get(['a'])).a`
   * is `undefined` when `a` does not exist. Restarts the lifetime with `extendOnGet`.
   */
  get<K extends string>(keys: readonly K[], options?: RequestOptions): Promise<FoundValues<K>> {
    return this.runner.run('SH_GET', { tkn: this.tkn, keys }, options).then((body) => body.keys as FoundValues<K>);
  }

  /** Deletes keys; absent keys are ignored (SH_RMV). `keys` must not be empty (status 42). */
  async remove(keys: readonly string[], options?: RequestOptions): Promise<void> {
    await this.runner.run('SH_RMV', { tkn: this.tkn, keys }, options);
  }

  /** Deletes every key of the session and returns how many there were (SH_CLEAR). The session stays. */
  async clear(options?: RequestOptions): Promise<number> {
    return (await this.runner.run('SH_CLEAR', { tkn: this.tkn }, options)).cnt;
  }

  /** Replaces all keys of the session with `keys`; returns how many keys were removed first (SH_CLEAR_SET). */
  async clearSet(keys: KeyValues, options?: RequestOptions): Promise<number> {
    return (await this.runner.run('SH_CLEAR_SET', { tkn: this.tkn, keys }, options)).cnt;
  }

  /** The number of keys in the session (SH_COUNT). */
  async count(options?: RequestOptions): Promise<number> {
    return (await this.runner.run('SH_COUNT', { tkn: this.tkn }, options)).cnt;
  }

  /** Whether the session has `key` (SH_CONTAINS). */
  contains(key: string, options?: RequestOptions): Promise<boolean>;
  /** Whether the session has each key: one boolean per key, in the same order (SH_CONTAINS). */
  contains(keys: readonly string[], options?: RequestOptions): Promise<boolean[]>;
  async contains(keys: string | readonly string[], options?: RequestOptions): Promise<boolean | boolean[]> {
    const asked = typeof keys === 'string' ? [keys] : keys;
    const body = await this.runner.run('SH_CONTAINS', { tkn: this.tkn, keys: asked }, options);
    const found = presence(asked, body.contains);
    return typeof keys === 'string' ? found[0]! : found;
  }

  /** The names of all keys in the session, in no particular order (SH_KEYS). */
  async keys(options?: RequestOptions): Promise<string[]> {
    return (await this.runner.run('SH_KEYS', { tkn: this.tkn }, options)).keys;
  }

  /** The session's key count and expiry settings (SH_INFO). */
  async info(options?: RequestOptions): Promise<SessionInfo> {
    const body = await this.runner.run('SH_INFO', { tkn: this.tkn }, options);
    const common = { token: this.token, keyCount: body.keyCnt, shared: body.shared };
    if (!body.expires) return { ...common, expires: false };
    const { expiry } = body;
    return {
      ...common,
      expires: true,
      expiry: {
        durationSeconds: expiry.duration,
        remainingSeconds: expiry.remaining,
        deleteSessionOnExpire: expiry.deleteSession,
        extendOnSetAdd: expiry.extendOnSetAdd,
        extendOnGet: expiry.extendOnGet,
      },
    };
  }

  /**
   * Gives the session new expiry settings in place (SH_SET_EXPIRY, an extension of our server):
   * its lifetime restarts now with the new duration; the token, the keys and a shared session's
   * name stay. `{}` (no duration, or 0): the session never expires any more.
   *
   * ```ts
   * await session.setExpiry({ durationSeconds: 30 * 24 * 3600, deleteSessionOnExpire: true }); // "remember me"
   * ```
   *
   * @throws RangeError or TypeError before sending anything, as {@link Sessions.create} does.
   * @throws NemesisError of status 100 (as a rejection) when the session no longer exists, and of
   *   status 10 when the server lacks the command (C++ NemesisDB v0.7.4, or our server with `--no-extensions`).
   */
  async setExpiry(expiry: ExpiryOptions, options?: RequestOptions): Promise<void> {
    const { expiry: settings = { duration: 0 } } = expiryOf(expiry);
    await this.runner.run('SH_SET_EXPIRY', { tkn: this.tkn, expiry: settings }, options);
  }

  /** Ends the session now, with its keys (SH_END). Rejects with status 100 when it no longer exists. */
  async end(options?: RequestOptions): Promise<void> {
    await this.runner.run('SH_END', { tkn: this.tkn }, options);
  }

  /** The token: `JSON.stringify(session)` writes it as a string. */
  toJSON(): SessionToken {
    return this.token;
  }

  /** The token. */
  toString(): string {
    return this.token;
  }
}

/** The session commands that are not about one session (`db.sessions`). */
export class Sessions {
  /** @internal Use `db.sessions`. */
  constructor(private readonly runner: CommandRunner) {}

  /**
   * Creates a session (SH_NEW) and returns it.
   *
   * ```ts
   * const s = await db.sessions.create({ durationSeconds: 60, deleteSessionOnExpire: true, extendOnGet: true });
   * ```
   *
   * A shared session, which others find by its name with {@link openShared} (an extension of our
   * server, from v0.6; v0.7.4 and servers started with `--no-extensions` create an ordinary
   * session, which this method reports as an error):
   *
   * ```ts
   * const settings = await db.sessions.create({ shared: 'settings' });
   * ```
   *
   * @throws RangeError before sending anything, for a negative or fractional `durationSeconds`
   *   or an expiry flag without a duration; TypeError or RangeError for a `shared` name that is
   *   not a non-empty string.
   * @throws NemesisError of status 103 (as a rejection) when a live shared session already has
   *   the name; `error.response.tkn` is its token.
   */
  async create(options: CreateSessionOptions = {}): Promise<Session> {
    const expiry = expiryOf(options);
    if (options.shared === undefined) {
      const body = await this.runner.run('SH_NEW', expiry, options);
      return new Session(this.runner, body.tkn);
    }
    const name = checkSharedName(options.shared);
    const body = await this.runner.run('SH_NEW', { ...expiry, name, shared: true }, options);
    if (!('name' in body)) {
      // The server ignored `shared` (v0.7.4, or --no-extensions): the session is not shared.
      await this.runner.run('SH_END', { tkn: body.tkn }).catch(() => {});
      throw new Error('the server has no shared sessions (C++ NemesisDB v0.7.4, or our server with --no-extensions)');
    }
    return new Session(this.runner, body.tkn);
  }

  /**
   * The live shared session named `name` (SH_OPEN, an extension of our server), or `null` when
   * there is none: never created, ended, or deleted by its expiry.
   *
   * ```ts
   * const settings = await db.sessions.openShared('settings');
   * if (settings !== null) console.log(await settings.get(['theme']));
   * ```
   *
   * @throws TypeError or RangeError before sending anything, for a name that is not a non-empty string.
   * @throws NemesisError of status 10 (as a rejection) when the server has no shared sessions
   *   (C++ NemesisDB v0.7.4, or our server with `--no-extensions`).
   */
  async openShared(name: string, options?: RequestOptions): Promise<Session | null> {
    try {
      const body = await this.runner.run('SH_OPEN', { name: checkSharedName(name) }, options);
      return new Session(this.runner, body.tkn);
    } catch (error) {
      if (error instanceof NemesisError && error.status === Status.SessionOpenFail) return null;
      throw error;
    }
  }

  /**
   * A handle on an existing session, from its token (no request is sent). If there is no such
   * session, its methods reject with a NemesisError of status 100; use {@link exists} to check first.
   *
   * @throws TypeError when `token` is not a token.
   */
  open(token: TokenLike): Session {
    return new Session(this.runner, token);
  }

  /** Whether a session exists (SH_EXISTS). */
  exists(token: TokenLike, options?: RequestOptions): Promise<boolean>;
  /** Whether each session exists: one boolean per token, in the same order (SH_EXISTS). */
  exists(tokens: readonly TokenLike[], options?: RequestOptions): Promise<boolean[]>;
  async exists(tokens: TokenLike | readonly TokenLike[], options?: RequestOptions): Promise<boolean | boolean[]> {
    const asked = (Array.isArray(tokens) ? tokens : [tokens]) as readonly TokenLike[];
    const tkns = asked.map(tokenToBigInt);
    const body = await this.runner.run('SH_EXISTS', { tkns }, options);
    const found = presence(tkns.map(String), body.exist.map(String));
    return Array.isArray(tokens) ? found : found[0]!;
  }

  /** The number of sessions and of their keys (SH_INFO_ALL). */
  async infoAll(options?: RequestOptions): Promise<SessionTotals> {
    const body = await this.runner.run('SH_INFO_ALL', {}, options);
    return { sessions: body.totalSessions, keys: body.totalKeys };
  }

  /** Ends every session and returns how many there were (SH_END_ALL). KV keys are not touched. */
  async endAll(options?: RequestOptions): Promise<number> {
    return (await this.runner.run('SH_END_ALL', {}, options)).cnt;
  }

  /**
   * Saves sessions to the dataset `name` on the server (SH_SAVE, success status 121). Rejects
   * with status 14 (`CommandDisabled`) when the server runs without persistence.
   */
  async save(name: string, options: SaveSessionsOptions = {}): Promise<SaveResult> {
    const body = options.tokens === undefined ? { name } : { name, tkns: options.tokens.map(tokenToBigInt) };
    const reply = await this.runner.run('SH_SAVE', body, options);
    return { name: reply.name, durationMs: reply.duration };
  }

  /**
   * Loads the sessions of dataset `name` (SH_LOAD, success status 141); sessions whose token
   * already exists are skipped. Rejects with status 142 (`LoadError`) when there is no such dataset.
   */
  async load(name: string, options?: RequestOptions): Promise<SessionLoadResult> {
    const reply = await this.runner.run('SH_LOAD', { name }, options);
    return { name: reply.name, sessions: reply.sessions, keys: reply.keys };
  }
}
