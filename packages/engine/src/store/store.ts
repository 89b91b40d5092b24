import type { ExactJsonObject, ExactJsonValue, KvFindResult, UInt64 } from '@nemesisdb/protocol';
import type { MaybePromise } from '../maybe-promise.js';

/**
 * The data layer behind the engine: sessions with their keys and expiry, and the global KV map.
 *
 * Each method is one atomic step of one command, with the command's semantics (lazy expiry, extend
 * rules, first-wins adds …) inside, so that a store on another engine (a Redis cluster) can make
 * each one a single transaction or script. Methods return a value, or a promise of it for an
 * asynchronous store; the engine never awaits a value that is already there, so the in-memory
 * store pays nothing for the possibility.
 */
export interface DataStore {
  readonly sessions: SessionStore;
  readonly kv: KvStore;
  /** Releases timers and connections. */
  close(): MaybePromise<void>;
  /** Sizes for health checks and metrics (cheap: no walk over the data). */
  stats(): MaybePromise<StoreStats>;
  /**
   * True when calls on one session take effect in the order they are made even while earlier
   * ones have not completed (e.g. one ordered connection per session's node): the server may then
   * keep several requests of a connection on one session in flight (`Engine.executeAfter`).
   */
  readonly pipelinesSessions?: boolean;
  /**
   * With `pipelinesSessions`: requests of a connection on different sessions may be in flight
   * together too (each one call on one session, or an SH_NEW of an unshared session, which no
   * earlier request can name). Their effects then take place in any order among themselves, as
   * those of concurrent requests do; requests on one session still take effect in request order,
   * and any other request still waits for every one before it.
   */
  readonly pipelinesAcrossSessions?: boolean;
}

export interface StoreStats {
  /** Sessions held (sessions past their deadline count until reclaimed, within ~25 ms). */
  sessions: number;
  /** Keys held by all sessions. */
  sessionKeys: number;
  /** Keys in the global KV map. */
  kvKeys: number;
  /** Expiries applied since start (sessions deleted, or cleared and re-armed). */
  expiredSessions: number;
}

/** How a session expires, as SH_NEW gives it (duration 0 or no expiry: never). */
export interface ExpirySettings {
  /** Seconds, any uint (exact: `bigint` above 2^53 − 1). Never 0 here: 0 means no expiry. */
  durationSeconds: UInt64;
  deleteSession: boolean;
  extendOnSetAdd: boolean;
  extendOnGet: boolean;
}

/** What SH_INFO reports of a session. */
export interface SessionInfo {
  keyCount: number;
  shared: boolean;
  /** Absent for a session that never expires. */
  expiry?: ExpirySettings & {
    /** Whole seconds until expiry, truncated toward zero (never negative: expiry is exact). */
    remainingSeconds: UInt64;
  };
}

/** A session as SH_SAVE writes it and SH_LOAD reads it (docs/reference/protocol.md §11.2). */
export interface SessionRecord {
  token: bigint;
  shared: boolean;
  /**
   * A shared session's name (extension), by which SH_OPEN finds it; only with `shared: true`.
   * A shared record without a name (an upstream save) keeps its flag but cannot be opened.
   */
  name?: string;
  /** `undefined` when the session never expires. */
  expiry: ExpirySettings | undefined;
  keys: ExactJsonObject;
}

/**
 * A point-in-time view of data, read lazily (a save encodes it in slices while serving). Iterate it
 * once; iterating to the end, or `close()`, releases it.
 */
export interface Snapshot<T> extends Iterable<T> {
  /** How many items it holds. */
  readonly size: number;
  close(): void;
}

/** A KV key and its value. */
export type KvEntry = readonly [key: string, value: ExactJsonValue];

/** Returned by session key operations when no (unexpired) session has the token. */
export const NO_SESSION: unique symbol = Symbol('no session');
export type NoSession = typeof NO_SESSION;

export interface SessionStore {
  /** Told of every expiry the store applies by itself (the journal records them). */
  onExpired?: (token: bigint) => void;
  /** Creates a session with a fresh token (never 0, never one in use) and returns the token. */
  create(expiry: ExpirySettings | undefined): MaybePromise<bigint>;
  /** Ends a session and drops its keys; false when there was none. */
  end(token: bigint): MaybePromise<boolean>;
  /**
   * SH_SET_EXPIRY (extension): gives a live session new expiry settings (`undefined`: it never
   * expires), with a new period from now; its token, keys and shared name stay. A shared
   * `deleteSession: true` session still frees its name the moment it expires.
   */
  setExpiry(token: bigint, expiry: ExpirySettings | undefined): MaybePromise<void | NoSession>;
  /** Ends every session; returns how many there were. */
  endAll(): MaybePromise<number>;
  /** The tokens that name a live session, in the order given, repeats kept. */
  existing(tokens: readonly bigint[]): MaybePromise<bigint[]>;
  info(token: bigint): MaybePromise<SessionInfo | NoSession>;
  /** Live sessions and the keys they hold in total (KV keys not included). */
  totals(): MaybePromise<{ sessions: number; keys: number }>;

  /** SH_SET (`overwrite`) / SH_ADD (keep existing); extends when the session says extendOnSetAdd. */
  set(token: bigint, keys: ExactJsonObject, overwrite: boolean): MaybePromise<void | NoSession>;
  /** SH_GET: the present keys among `keys` (non-strings ignored); extends when extendOnGet. */
  get(token: bigint, keys: readonly ExactJsonValue[]): MaybePromise<ExactJsonObject | NoSession>;
  remove(token: bigint, keys: readonly ExactJsonValue[]): MaybePromise<void | NoSession>;
  /** Removes every key; returns how many. */
  clear(token: bigint): MaybePromise<number | NoSession>;
  count(token: bigint): MaybePromise<number | NoSession>;
  /** The present keys among `keys`, in request order, repeats kept. */
  contains(token: bigint, keys: readonly ExactJsonValue[]): MaybePromise<string[] | NoSession>;
  keys(token: bigint): MaybePromise<string[] | NoSession>;
  /** Clears then sets; returns how many keys the clear removed. */
  clearSet(token: bigint, keys: ExactJsonObject): MaybePromise<number | NoSession>;

  /**
   * Shared sessions (an extension, from v0.6): creates a session that SH_OPEN finds by `name`,
   * unless a live shared session already has the name — then nothing changes and `created` is
   * false, with that session's token. The name → token index is exact: a session ended (SH_END,
   * SH_END_ALL) or deleted by its expiry frees its name at once; a `deleteSession: false` session
   * keeps it. A store without these two methods has no shared sessions (SH_OPEN answers 10).
   */
  createShared?(name: string, expiry: ExpirySettings | undefined): MaybePromise<{ token: bigint; created: boolean }>;
  /** The token of the live shared session named `name`, or undefined. */
  openShared?(name: string): MaybePromise<bigint | undefined>;

  /**
   * The live sessions (all, or those of `tokens` that exist), as they are now: reading the
   * snapshot later, while the sessions keep changing, still gives this moment's state.
   */
  snapshot(tokens?: readonly bigint[]): MaybePromise<Snapshot<SessionRecord>>;
  /**
   * Adds sessions whose tokens are not in use (others skipped); expiry restarts now. A shared
   * record whose name a live session already has is skipped too (a name opens one session).
   */
  restore(records: Iterable<SessionRecord>): MaybePromise<{ sessions: number; keys: number }>;
}

/** How a KV_UPDATE or KV_ARR_APPEND went. */
export type KvEditResult =
  | { status: 'done'; count: number }
  | { status: 'no-key' }
  /** KV_ARR_APPEND: the target is not an array (or has no such member). */
  | { status: 'not-array' };

export interface KvStore {
  set(keys: ExactJsonObject, overwrite: boolean): MaybePromise<void>;
  get(keys: readonly ExactJsonValue[]): MaybePromise<ExactJsonObject>;
  remove(keys: readonly ExactJsonValue[]): MaybePromise<void>;
  clear(): MaybePromise<number>;
  count(): MaybePromise<number>;
  contains(keys: readonly ExactJsonValue[]): MaybePromise<string[]>;
  keys(): MaybePromise<string[]>;
  clearSet(keys: ExactJsonObject): MaybePromise<number>;
  /**
   * KV_FIND over the values of `keys` (all keys when empty). Throws `JsonPathError` for a path
   * that does not parse or evaluate.
   */
  find(path: string, result: KvFindResult, keys: readonly ExactJsonValue[]): MaybePromise<string[] | ExactJsonObject>;
  /** KV_UPDATE. Throws `JsonPathError` for a bad path. */
  update(key: string, path: string, value: ExactJsonValue): MaybePromise<KvEditResult>;
  /** KV_ARR_APPEND: onto the array at `key`, or at member `name` of the object there. */
  append(key: string, items: readonly ExactJsonValue[], name: string | undefined): MaybePromise<KvEditResult>;
  /** Every key and value as they are now (KV_SAVE), however they change while it is read. */
  snapshot(): MaybePromise<Snapshot<KvEntry>>;
  /** Stores every entry, overwriting (KV_LOAD); returns how many. */
  restore(entries: Iterable<KvEntry>): MaybePromise<number>;
}
