import {
  NO_SESSION,
  type ExpirySettings,
  type NoSession,
  type SessionInfo,
  type SessionRecord,
  type SessionStore,
  type Snapshot,
} from '@nemesisdb/engine';
import type { ExactJsonObject, ExactJsonValue } from '@nemesisdb/protocol';
import { CONCURRENCY, clusterWide, forEachConcurrent, mapConcurrent, scanKeys } from './cluster.js';
import { arraySnapshot, type StoreContext } from './context.js';
import { nameArg, nameFrom } from './keys.js';
import type { ScriptArg, SessionReply, SessionScript } from './scripts.js';
import { creationArgs, expiryArgs, flag, pairs, sessionInfoOf, sessionRecordOf } from './session-codec.js';
import { createMembers, distinctNames, valueOf } from './values.js';

/** Fresh tokens tried before SH_NEW gives up (a 64-bit collision even once is ~never). */
const TOKEN_ATTEMPTS = 16;

/** Rounds of claim-and-check a shared SH_NEW tries before giving up (each loses only to a live holder or a race). */
const CLAIM_ATTEMPTS = 16;

/** Rounds of set-and-check of a name key's expiry after SH_SET_EXPIRY (each more only after a concurrent change). */
const NAME_EXPIRY_ATTEMPTS = 16;

/**
 * Sessions in the cluster, one Lua script per operation (see scripts.ts for the expiry rules every
 * script applies first).
 *
 * Shared sessions (extension): a name key `<prefix>{n:<name>}` holds the token of the session
 * that has the name. It lives in the name's slot, not the session's, so no one script can change
 * both; instead the name key is *believed only when the session agrees*: SH_OPEN reads the token,
 * then asks the session (one script on its slot) whether it is live and carries that name. A
 * session ended or expired therefore frees its name at once, whatever became of its name key.
 * A shared SH_NEW creates its session (named, invisible to SH_OPEN) first, then claims the name
 * with a compare-and-set that may replace only a holder found dead; losing to a live holder, it
 * deletes its session and answers 103 with the holder's token. Since a holder's session always
 * exists before its claim, two servers can never both win a name. Name keys are deleted when their
 * session ends, and expire a slack after a deleteSession:true session (renewed as it is extended),
 * so Redis reclaims them without a sweep; any other session's name key has no expiry, since Redis
 * must never reclaim the name of a session that stays. SH_SET_EXPIRY moves a session from one
 * kind to the other: its name key's expiry follows (see `settleName`).
 */
export class RedisSessions implements SessionStore {
  onExpired?: (token: bigint) => void;
  /** Expiries this store's scripts applied (Redis' own PEXPIREAT reclaims are not seen here). */
  expiredCount = 0;

  constructor(private readonly context: StoreContext) {}

  async create(settings: ExpirySettings | undefined): Promise<bigint> {
    const args = creationArgs(settings, false);
    for (let attempt = 0; attempt < TOKEN_ATTEMPTS; attempt++) {
      const token = this.context.tokens.next();
      const [created] = await this.run('nemesisCreate', token, args);
      if (created === 1) return token; // 0: a live session has this token (another server's?): draw again
    }
    throw new Error(`SH_NEW: no free token after ${TOKEN_ATTEMPTS} attempts`);
  }

  async end(token: bigint): Promise<boolean> {
    const reply = await this.run('nemesisEnd', token, [], true);
    if (reply[0] !== 1) return false;
    await this.releaseName(token, reply[2]);
    return true;
  }

  async setExpiry(token: bigint, settings: ExpirySettings | undefined): Promise<void | NoSession> {
    const reply = await this.run('nemesisSetExpiry', token, expiryArgs(settings, []));
    if (reply[0] !== 1) return NO_SESSION;
    if (Array.isArray(reply[2])) await this.settleName(token, reply[2] as [string, string]);
  }

  async createShared(name: string, settings: ExpirySettings | undefined): Promise<{ token: bigint; created: boolean }> {
    const args = creationArgs(settings, true, name);
    const nameKey = this.context.layout.nameKey(name);
    for (let attempt = 0; attempt < TOKEN_ATTEMPTS; attempt++) {
      const token = this.context.tokens.next();
      const reply = await this.run('nemesisCreate', token, args);
      if (reply[0] !== 1) continue; // the token is in use: draw again
      const nameExpiresAt = (reply[3] as string | null) ?? null;
      let holder: bigint;
      try {
        holder = await this.claim(nameKey, name, token, nameExpiresAt);
      } catch (error) {
        // Not left behind as a named session nobody can open.
        await this.run('nemesisEnd', token).catch(() => {});
        throw error;
      }
      if (holder === token) return { token, created: true };
      // A live session has the name: ours must not stay (nothing changed, as far as anyone sees).
      await this.run('nemesisEnd', token);
      return { token: holder, created: false };
    }
    throw new Error(`SH_NEW: no free token after ${TOKEN_ATTEMPTS} attempts`);
  }

  async openShared(name: string): Promise<bigint | undefined> {
    const holder = await this.context.cluster.get(this.context.layout.nameKey(name));
    if (holder === null) return undefined;
    const token = BigInt(holder);
    return (await this.owns(token, name)) ? token : undefined;
  }

  async endAll(): Promise<number> {
    // Counted across restarts of the scan: a session is ended (and counted) once, by whichever
    // attempt reaches it first.
    let ended = 0;
    await clusterWide(this.context.cluster, () =>
      this.forEachToken(async (token) => {
        const reply = await this.run('nemesisEnd', token, [], true);
        if (reply[0] === 1) {
          ended++;
          await this.releaseName(token, reply[2]);
        }
      }),
    );
    return ended;
  }

  async existing(tokens: readonly bigint[]): Promise<bigint[]> {
    const unique = [...new Set(tokens)];
    const live = await mapConcurrent(unique, CONCURRENCY, async (token) => (await this.run('nemesisProbe', token))[0] === 1);
    const found = new Set<bigint>();
    unique.forEach((token, i) => live[i] && found.add(token));
    return tokens.filter((token) => found.has(token));
  }

  async info(token: bigint): Promise<SessionInfo | NoSession> {
    const reply = await this.run('nemesisInfo', token);
    return reply[0] === 1 ? sessionInfoOf(reply) : NO_SESSION;
  }

  totals(): Promise<{ sessions: number; keys: number }> {
    // Each session found is probed by a script, which applies its expiry first: a session past its
    // deadline is not counted, nor are keys cleared by a deleteSession:false expiry.
    return clusterWide(this.context.cluster, async () => {
      let sessions = 0;
      let keys = 0;
      await this.forEachToken(async (token) => {
        const reply = await this.run('nemesisProbe', token);
        if (reply[0] === 1) {
          sessions++;
          keys += reply[2] as number;
        }
      });
      return { sessions, keys };
    });
  }

  // set and get, the calls of nearly every request, chain their steps rather than await them:
  // two async frames and an await of a name renewal that almost never happens cost ~100 ns a call.

  set(token: bigint, keys: ExactJsonObject, overwrite: boolean): Promise<void | NoSession> {
    return this.run('nemesisSet', token, pairs(keys, [flag(overwrite)])).then<void | NoSession>((reply) => {
      if (reply[0] !== 1) return NO_SESSION;
      return Array.isArray(reply[2]) ? this.renewName(token, reply[2]) : undefined;
    });
  }

  get(token: bigint, keys: readonly ExactJsonValue[]): Promise<ExactJsonObject | NoSession> {
    const names = distinctNames(keys);
    return this.run('nemesisGet', token, names.map(nameArg)).then<ExactJsonObject | NoSession>((reply) => {
      if (reply[0] !== 1) return NO_SESSION;
      const values = reply[2] as (string | null)[];
      const found = createMembers();
      for (let i = 0; i < names.length; i++) {
        const value = values[i];
        if (value !== null && value !== undefined) found[names[i]!] = valueOf(value);
      }
      return Array.isArray(reply[3]) ? this.renewName(token, reply[3]).then(() => found) : found;
    });
  }

  async remove(token: bigint, keys: readonly ExactJsonValue[]): Promise<void | NoSession> {
    const [live] = await this.run('nemesisRemove', token, distinctNames(keys).map(nameArg));
    return live === 1 ? undefined : NO_SESSION;
  }

  async clear(token: bigint): Promise<number | NoSession> {
    const reply = await this.run('nemesisClear', token);
    return reply[0] === 1 ? (reply[2] as number) : NO_SESSION;
  }

  async count(token: bigint): Promise<number | NoSession> {
    const reply = await this.run('nemesisProbe', token);
    return reply[0] === 1 ? (reply[2] as number) : NO_SESSION;
  }

  async contains(token: bigint, keys: readonly ExactJsonValue[]): Promise<string[] | NoSession> {
    const names = keys.filter((key): key is string => typeof key === 'string');
    const reply = await this.run('nemesisContains', token, names.map(nameArg));
    if (reply[0] !== 1) return NO_SESSION;
    const present = reply[2] as number[];
    return names.filter((_name, i) => present[i] === 1);
  }

  async keys(token: bigint): Promise<string[] | NoSession> {
    const reply = await this.run('nemesisKeys', token, [], true);
    return reply[0] === 1 ? (reply[2] as Buffer[]).map(nameFrom) : NO_SESSION;
  }

  async clearSet(token: bigint, keys: ExactJsonObject): Promise<number | NoSession> {
    const reply = await this.run('nemesisClearSet', token, pairs(keys, []));
    return reply[0] === 1 ? (reply[2] as number) : NO_SESSION;
  }

  /**
   * The live sessions (all, or those of `tokens`), read now into memory. Each session is read
   * atomically, but not all of them at one instant: a cluster has no cross-slot snapshot, so a
   * session changed during the scan may be saved before or after the change (pause writers for a
   * point-in-time save).
   */
  async snapshot(tokens?: readonly bigint[]): Promise<Snapshot<SessionRecord>> {
    if (tokens !== undefined) {
      const records = await mapConcurrent([...new Set(tokens)], CONCURRENCY, (token) => this.dump(token));
      return arraySnapshot(records.filter((record): record is SessionRecord => record !== undefined));
    }
    const records = await clusterWide(this.context.cluster, async () => {
      const found: SessionRecord[] = [];
      await this.forEachToken(async (token) => {
        const record = await this.dump(token);
        if (record !== undefined) found.push(record);
      });
      return found;
    });
    return arraySnapshot(records);
  }

  /** Adds the sessions whose tokens are free (a live session keeps its token); expiry restarts now. */
  async restore(records: Iterable<SessionRecord>): Promise<{ sessions: number; keys: number }> {
    let sessions = 0;
    let keys = 0;
    await forEachConcurrent(records, CONCURRENCY, async (record) => {
      const name = record.shared ? record.name : undefined;
      const args = pairs(record.keys, creationArgs(record.expiry, record.shared, name));
      const reply = await this.run('nemesisCreate', record.token, args);
      if (reply[0] !== 1) return;
      if (name !== undefined) {
        // A name opens one session: a live holder keeps it, and the record is skipped.
        const holder = await this.claim(this.context.layout.nameKey(name), name, record.token, (reply[3] as string | null) ?? null);
        if (holder !== record.token) {
          await this.run('nemesisEnd', record.token);
          return;
        }
      }
      sessions++;
      keys += reply[2] as number;
    });
    return { sessions, keys };
  }

  // ----------------------------------------------------------------------------- internals

  private async dump(token: bigint): Promise<SessionRecord | undefined> {
    const reply = await this.run('nemesisDump', token, [], true);
    return reply[0] === 1 ? sessionRecordOf(token, reply) : undefined;
  }

  /**
   * Makes `name` the new session `token`'s, unless a live session holds it: answers the token the
   * name belongs to afterwards. A holder found dead (ended, expired, or its key outliving it) is
   * replaced by compare-and-set, so of several claimants of a free name exactly one wins.
   */
  private async claim(nameKey: string, name: string, token: bigint, expiresAt: string | null): Promise<bigint> {
    let replacing: bigint | undefined;
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const holder = await this.context.scripts.nameClaim(nameKey, token, replacing, expiresAt);
      if (holder === true) return token;
      if (await this.owns(holder, name)) return holder;
      replacing = holder;
    }
    throw new Error(`SH_NEW: the shared name changed hands ${CLAIM_ATTEMPTS} times while claiming it`);
  }

  /** Whether `token` is a live session holding the shared name `name`. */
  private async owns(token: bigint, name: string): Promise<boolean> {
    return (await this.run('nemesisOwns', token, [nameArg(name)]))[0] === 1;
  }

  /** After an end: frees the session's name key (`name` as the script answered it: bytes or null). */
  private async releaseName(token: bigint, name: unknown): Promise<void> {
    if (!Buffer.isBuffer(name)) return;
    await this.context.scripts.nameRelease(this.context.layout.nameKey(nameFrom(name)), token);
  }

  /**
   * After an extend of a shared deleteSession:true session, when the script says its name key must
   * live longer (`renewal` = [name as stored, expiry ms]; null otherwise, i.e. nearly always).
   */
  private async renewName(token: bigint, renewal: unknown): Promise<void> {
    if (!Array.isArray(renewal)) return;
    const [stored, expiresAt] = renewal as [string, string];
    await this.context.scripts.nameExpire(this.context.layout.nameKeyOfStored(stored), token, expiresAt);
  }

  /**
   * After SH_SET_EXPIRY changed when a shared session's name key is to expire (`change` = [name as
   * stored, expiry ms or '' for never]): sets that on the name key (its own slot, so after the
   * session's script, as for a renewal), then asks the session again (nemesisOwns answers its
   * `nx`) until what it wants is what was set last.
   *
   * Why ask again: these name-key steps may land in another order than their scripts ran (two
   * servers changing one session's expiry at once; an extend's renewal in between), and the one
   * that lands last wins. Unchecked, a stale one could leave an expiry on the name key of a session
   * that no longer expires, or one before the session's deadline: Redis would delete the name of a
   * live session, and another session could claim it. A step is always followed by its check, so
   * the one that lands last is checked against the session as it is by then, and corrected.
   */
  private async settleName(token: bigint, [stored, first]: [string, string]): Promise<void> {
    const { layout, scripts } = this.context;
    const nameKey = layout.nameKeyOfStored(stored);
    let expiresAt = first;
    for (let attempt = 0; attempt < NAME_EXPIRY_ATTEMPTS; attempt++) {
      await scripts.nameSetExpiry(nameKey, token, expiresAt);
      const reply = await this.run('nemesisOwns', token, [stored]);
      // Ended or expired since: its name is free (SH_END released it, or does; an expiry did not).
      if (reply[0] !== 1) return scripts.nameRelease(nameKey, token);
      const wanted = (reply[2] as string | null) ?? '';
      if (wanted === expiresAt) return;
      expiresAt = wanted;
    }
    throw new Error(`SH_SET_EXPIRY: the session's expiry changed ${NAME_EXPIRY_ATTEMPTS} times while its name key followed`);
  }

  /** Calls `fn` for the token of every session key on every master, a bounded number at a time. */
  private forEachToken(fn: (token: bigint) => Promise<void>): Promise<void> {
    const { cluster, layout } = this.context;
    return scanKeys(cluster, layout.sessionMetaPattern, async (keys) => {
      const tokens: bigint[] = [];
      for (const key of keys) {
        const token = layout.tokenOfMeta(key);
        if (token !== undefined) tokens.push(token);
      }
      await mapConcurrent(tokens, CONCURRENCY, fn);
    });
  }

  private run(name: SessionScript, token: bigint, args: readonly ScriptArg[] = [], asBuffers = false): Promise<SessionReply> {
    return this.context.batches.run(name, token, this.context.now(), args, asBuffers).then((reply) => {
      if (reply[1] === 1) {
        this.expiredCount++;
        this.onExpired?.(token);
      }
      return reply;
    });
  }
}
