import type { ExactJsonObject, ExactJsonValue } from '@nemesisdb/protocol';
import type { Clock } from '../../clock.js';
import { ExpiryQueue } from '../../expiry/expiry-queue.js';
import { createMembers } from '../../objects.js';
import type { Scheduler } from '../../scheduler.js';
import type { TokenSource } from '../../tokens.js';
import {
  NO_SESSION,
  type ExpirySettings,
  type NoSession,
  type SessionInfo,
  type SessionRecord,
  type SessionStore,
  type Snapshot,
} from '../store.js';
import { LATEST_DEADLINE, MemorySession, SessionExpiry, durationMs, isZero, remainingSeconds } from './memory-session.js';
import { OpenSnapshots } from './open-snapshots.js';
import { TokenMap } from './token-map.js';

/**
 * The key map of every session that holds no key: shared, and never changed (changes go through
 * `writable`, which gives a session its own map first). A new session costs no map of its own
 * until its first key: SH_NEW ~15 % cheaper, and an empty session 309 → 125 bytes of heap.
 */
const NO_KEYS: Map<string, ExactJsonValue> = new Map();

export interface MemorySessionsOptions {
  clock: Clock;
  scheduler: Scheduler;
  tokens: TokenSource;
}

/**
 * Sessions in memory, with exact expiry (docs/reference/protocol.md §7 and its improvement rules):
 * - every operation that finds a session first applies any expiry that is due (`now > deadline`),
 *   as if a sweep had run exactly at the deadline — so no session is ever seen unexpired after its
 *   deadline, and an extend can never rescue one;
 * - a `deleteSession: false` session has its keys cleared and is re-armed from its deadline
 *   (deadline + duration), without drift;
 * - the expiry queue reclaims sessions nobody touches, within ~25 ms, in slices.
 */
export class MemorySessions implements SessionStore {
  /** By token; a `Map` costs several cache misses a lookup once sessions number in the millions (see TokenMap). */
  private readonly sessions = new TokenMap<MemorySession>();
  /**
   * Shared sessions by name (extension). Exact: every path that drops a session (end, end all,
   * expiry with deleteSession) drops its name in the same step, so a name is never held by a
   * session that is gone, and never found for one past its deadline (`live` applies that first).
   */
  private readonly names = new Map<string, MemorySession>();
  private readonly queue: ExpiryQueue<SessionExpiry>;
  /** Keys held by all sessions, kept up to date so SH_INFO_ALL does not walk every session. */
  private keyTotal = 0;
  /** Sessions removed or cleared by expiry since start (for metrics). */
  expiredCount = 0;
  /** While a snapshot is open, captured key maps are copied before they change. */
  private readonly snapshots = new OpenSnapshots();
  onExpired?: (token: bigint) => void;

  constructor(private readonly options: MemorySessionsOptions) {
    this.queue = new ExpiryQueue<SessionExpiry>({
      clock: options.clock,
      scheduler: options.scheduler,
      onDue: (entry, now) => this.expire(entry, now),
    });
  }

  /** Sessions held (for metrics; expiries not yet reclaimed are counted until they are). */
  get size(): number {
    return this.sessions.size;
  }

  /** Keys held by all sessions. */
  get keyCount(): number {
    return this.keyTotal;
  }

  close(): void {
    this.queue.dispose();
  }

  /** Reclaims every session whose deadline has passed (the queue does this by itself, in slices). */
  reclaimExpired(): void {
    this.queue.drain(this.options.clock.now());
  }

  create(settings: ExpirySettings | undefined): bigint {
    let token = this.options.tokens.next();
    while (this.sessions.has(token)) token = this.options.tokens.next();
    this.insert(token, NO_KEYS, settings, false, undefined, this.options.clock.now());
    return token;
  }

  createShared(name: string, settings: ExpirySettings | undefined): { token: bigint; created: boolean } {
    const existing = this.openShared(name);
    if (existing !== undefined) return { token: existing, created: false };
    let token = this.options.tokens.next();
    while (this.sessions.has(token)) token = this.options.tokens.next();
    this.insert(token, NO_KEYS, settings, true, name, this.options.clock.now());
    return { token, created: true };
  }

  openShared(name: string): bigint | undefined {
    const session = this.names.get(name);
    // `live` applies a due expiry first, which drops the name of a session it deletes.
    return session !== undefined && this.live(session.token) !== undefined ? session.token : undefined;
  }

  end(token: bigint): boolean {
    const session = this.live(token);
    if (session === undefined) return false;
    this.delete(session);
    return true;
  }

  setExpiry(token: bigint, settings: ExpirySettings | undefined): void | NoSession {
    const session = this.live(token);
    if (session === undefined) return NO_SESSION;
    if (session.expiry !== null) this.queue.remove(session.expiry);
    session.expiry = null;
    this.arm(session, settings, this.options.clock.now());
  }

  endAll(): number {
    this.reclaimExpired(); // sessions past their deadline are not there to be ended
    const count = this.sessions.size;
    this.sessions.clear();
    this.names.clear();
    this.queue.clear();
    this.keyTotal = 0;
    return count;
  }

  existing(tokens: readonly bigint[]): bigint[] {
    const found: bigint[] = [];
    for (const token of tokens) if (this.live(token) !== undefined) found.push(token);
    return found;
  }

  info(token: bigint): SessionInfo | NoSession {
    const session = this.live(token);
    if (session === undefined) return NO_SESSION;
    const expiry = session.expiry;
    if (expiry === null) return { keyCount: session.data.size, shared: session.shared };
    return {
      keyCount: session.data.size,
      shared: session.shared,
      expiry: { ...expiry.settings, remainingSeconds: remainingSeconds(expiry, this.options.clock.now()) },
    };
  }

  totals(): { sessions: number; keys: number } {
    this.reclaimExpired();
    return { sessions: this.sessions.size, keys: this.keyTotal };
  }

  set(token: bigint, keys: ExactJsonObject, overwrite: boolean): void | NoSession {
    const session = this.live(token);
    if (session === undefined) return NO_SESSION;
    const data = this.writable(session);
    const before = data.size;
    for (const key in keys) {
      if (overwrite || !data.has(key)) data.set(key, keys[key]!);
    }
    this.keyTotal += data.size - before;
    if (session.expiry?.settings.extendOnSetAdd) this.extend(session.expiry);
  }

  get(token: bigint, keys: readonly ExactJsonValue[]): ExactJsonObject | NoSession {
    const session = this.live(token);
    if (session === undefined) return NO_SESSION;
    const found = createMembers();
    const data = session.data;
    for (const key of keys) {
      if (typeof key !== 'string') continue;
      const value = data.get(key);
      if (value !== undefined) found[key] = value;
    }
    if (session.expiry?.settings.extendOnGet) this.extend(session.expiry);
    return found;
  }

  remove(token: bigint, keys: readonly ExactJsonValue[]): void | NoSession {
    const session = this.live(token);
    if (session === undefined) return NO_SESSION;
    const data = this.writable(session);
    for (const key of keys) {
      if (typeof key === 'string' && data.delete(key)) this.keyTotal--;
    }
  }

  clear(token: bigint): number | NoSession {
    const session = this.live(token);
    if (session === undefined) return NO_SESSION;
    return this.clearData(session);
  }

  count(token: bigint): number | NoSession {
    const session = this.live(token);
    return session === undefined ? NO_SESSION : session.data.size;
  }

  contains(token: bigint, keys: readonly ExactJsonValue[]): string[] | NoSession {
    const session = this.live(token);
    if (session === undefined) return NO_SESSION;
    const present: string[] = [];
    for (const key of keys) if (typeof key === 'string' && session.data.has(key)) present.push(key);
    return present;
  }

  keys(token: bigint): string[] | NoSession {
    const session = this.live(token);
    return session === undefined ? NO_SESSION : [...session.data.keys()];
  }

  clearSet(token: bigint, keys: ExactJsonObject): number | NoSession {
    const session = this.live(token);
    if (session === undefined) return NO_SESSION;
    const removed = this.clearData(session);
    const data = this.writable(session);
    for (const key in keys) data.set(key, keys[key]!);
    this.keyTotal += data.size;
    return removed;
  }

  snapshot(tokens?: readonly bigint[]): Snapshot<SessionRecord> {
    // Capturing costs one pass over the sessions (no copies); the records are built as the
    // snapshot is read, from the key maps as they were now: a change meanwhile copies a captured
    // map first (see `writable`), and ends, expiries and clears drop or replace maps, never empty
    // them in place.
    let sessions: MemorySession[];
    if (tokens === undefined) {
      this.reclaimExpired();
      sessions = this.sessions.toArray();
    } else {
      const unique = new Set<bigint>();
      sessions = [];
      for (const token of tokens) {
        const session = unique.has(token) ? undefined : this.live(token);
        unique.add(token);
        if (session !== undefined) sessions.push(session);
      }
    }
    const maps = sessions.map((session) => {
      session.captured = true;
      return session.data;
    });
    // SH_SET_EXPIRY replaces a session's settings (never changes them in place): kept as they are now.
    const settings = sessions.map((session) => session.expiry?.settings);
    return this.snapshots.open(sessions.length, function* () {
      for (let i = 0; i < sessions.length; i++) {
        const session = sessions[i]!;
        const keys = createMembers();
        for (const [key, value] of maps[i]!) keys[key] = value;
        const record: SessionRecord = { token: session.token, shared: session.shared, expiry: settings[i], keys };
        if (session.name !== undefined) record.name = session.name;
        yield record;
      }
    });
  }

  restore(records: Iterable<SessionRecord>): { sessions: number; keys: number } {
    const now = this.options.clock.now();
    let sessions = 0;
    let keys = 0;
    for (const record of records) {
      if (this.live(record.token) !== undefined) continue; // an existing session is left untouched
      // A name opens one session: a live shared session keeps its name, the record is skipped.
      const name = record.shared ? record.name : undefined;
      if (name !== undefined && this.openShared(name) !== undefined) continue;
      let data = NO_KEYS;
      for (const key in record.keys) {
        if (data === NO_KEYS) data = new Map();
        data.set(key, record.keys[key]!);
      }
      this.insert(record.token, data, record.expiry, record.shared, name, now);
      sessions++;
      keys += data.size;
    }
    return { sessions, keys };
  }

  // ----------------------------------------------------------------------------- internals

  private insert(
    token: bigint,
    data: Map<string, ExactJsonValue>,
    settings: ExpirySettings | undefined,
    shared: boolean,
    name: string | undefined,
    now: number,
  ): void {
    const session = new MemorySession(token, data, null, shared, name);
    if (name !== undefined) this.names.set(name, session);
    this.arm(session, settings, now);
    this.sessions.set(session);
    this.keyTotal += data.size;
  }

  /** Gives a session without expiry these settings (none, or duration 0: it never expires), from `now`. */
  private arm(session: MemorySession, settings: ExpirySettings | undefined, now: number): void {
    if (settings === undefined || isZero(settings.durationSeconds)) return;
    const expiry = new SessionExpiry(session, settings, durationMs(settings.durationSeconds));
    expiry.arm(now);
    session.expiry = expiry;
    this.queue.add(expiry);
  }

  /** The session of `token` unless there is none or it has just expired (applying that expiry). */
  private live(token: bigint): MemorySession | undefined {
    const session = this.sessions.get(token);
    if (session === undefined) return undefined;
    const expiry = session.expiry;
    if (expiry !== null) {
      const now = this.options.clock.now();
      if (now > expiry.deadline) {
        this.queue.remove(expiry);
        this.expire(expiry, now);
        if (expiry.settings.deleteSession) return undefined;
      }
    }
    return session;
  }

  /** Applies a due expiry: delete the session, or clear its keys and start its next period. */
  private expire(expiry: SessionExpiry, now: number): void {
    const session = expiry.session;
    this.expiredCount++;
    this.onExpired?.(session.token);
    if (expiry.settings.deleteSession) {
      this.sessions.delete(session.token);
      this.dropName(session);
      this.keyTotal -= session.data.size;
      return;
    }
    this.clearData(session);
    // Re-arm from the deadline, not from now: the periods never drift. A session untouched for
    // several periods skips to the one that contains `now`.
    const periods = Math.max(1, Math.ceil((now - expiry.deadline) / expiry.durationMs));
    expiry.deadline = Math.min(expiry.deadline + periods * expiry.durationMs, LATEST_DEADLINE);
    expiry.armedAt = expiry.deadline - expiry.durationMs;
    this.queue.add(expiry);
  }

  private extend(expiry: SessionExpiry): void {
    expiry.arm(this.options.clock.now());
    this.queue.move(expiry);
  }

  private delete(session: MemorySession): void {
    if (session.expiry !== null) this.queue.remove(session.expiry);
    this.sessions.delete(session.token);
    this.dropName(session);
    this.keyTotal -= session.data.size;
  }

  /** Frees a deleted session's name (only if the index still points to this session). */
  private dropName(session: MemorySession): void {
    if (session.name !== undefined && this.names.get(session.name) === session) this.names.delete(session.name);
  }

  /** The session's key map, ready to be changed (copied first if a snapshot holds it). */
  private writable(session: MemorySession): Map<string, ExactJsonValue> {
    if (session.data === NO_KEYS) {
      // Its first key: a map of its own (a snapshot that captured the empty one keeps it).
      session.captured = false;
      return (session.data = new Map());
    }
    if (session.captured) {
      session.captured = false;
      if (this.snapshots.any) session.data = new Map(session.data);
    }
    return session.data;
  }

  private clearData(session: MemorySession): number {
    const removed = session.data.size;
    // The shared empty map rather than clear(): a cleared Map keeps its grown backing store.
    if (removed > 0) session.data = NO_KEYS;
    this.keyTotal -= removed;
    return removed;
  }
}
