import { MemoryStore, type KvEditResult, type KvEntry, type KvStore, type Snapshot } from '@nemesisdb/engine';
import type { ExactJsonObject, ExactJsonValue, KvFindResult } from '@nemesisdb/protocol';
import { CONCURRENCY, clusterWide, forEachConcurrent, mapConcurrent, scanKeys } from './cluster.js';
import { arraySnapshot, type StoreContext } from './context.js';
import { createMembers, distinctNames, valueOf, valueText } from './values.js';

/** Read-modify-write attempts of KV_UPDATE / KV_ARR_APPEND against other servers' writers. */
const SWAP_ATTEMPTS = 64;
/** Upper bound of the random pause after a lost compare-and-swap, so contenders spread out. */
const SWAP_BACKOFF_MAX_MS = 8;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type ScratchKv = MemoryStore['kv'];

/**
 * The global KV map, one Redis string per KV key (`<prefix>kv:<name>`), spread over every master.
 *
 * Commands on one key are atomic (one Redis command, or a compare-and-swap script). Commands on
 * several keys (KV_SET of many members, KV_RMV, KV_CLEAR, KV_CLEAR_SET) are atomic per key, not as
 * a whole: keys in different slots live on different masters, and a cluster has no cross-slot
 * transaction. Keeping all KV keys under one hash tag would make them atomic together, but would
 * put the whole map on one master (no spread of memory or load): see README, "KV layout".
 */
export class RedisKv implements KvStore {
  /**
   * JSONPath (KV_FIND, KV_UPDATE, KV_ARR_APPEND) runs here, in the engine's own in-memory KV map,
   * so the jsoncons dialect and its edge cases are exactly the engine's: values are loaded into it,
   * the operation runs, and it is emptied again — all synchronously, so concurrent commands never
   * see each other's values in it. (The engine exports no JSONPath functions; see README.)
   */
  private readonly scratch: ScratchKv = new MemoryStore().kv;

  /**
   * Edits of one key from this server run one after another (a promise chain per key): they would
   * only defeat each other's compare-and-swap. What is left to contend is other servers' edits.
   */
  private readonly editQueues = new Map<string, Promise<unknown>>();

  constructor(private readonly context: StoreContext) {}

  async set(keys: ExactJsonObject, overwrite: boolean): Promise<void> {
    const { cluster, layout } = this.context;
    const names = Object.keys(keys);
    await mapConcurrent(names, CONCURRENCY, (name) => {
      const key = layout.kvKey(name);
      const text = valueText(keys[name]!);
      return overwrite ? cluster.set(key, text) : cluster.set(key, text, 'NX');
    });
  }

  async get(keys: readonly ExactJsonValue[]): Promise<ExactJsonObject> {
    const names = distinctNames(keys);
    const texts = await this.read(names);
    const found = createMembers();
    names.forEach((name, i) => {
      const text = texts[i];
      if (text !== null && text !== undefined) found[name] = valueOf(text);
    });
    return found;
  }

  async remove(keys: readonly ExactJsonValue[]): Promise<void> {
    const { cluster, layout } = this.context;
    await mapConcurrent(distinctNames(keys), CONCURRENCY, (name) => cluster.del(layout.kvKey(name)));
  }

  async clear(): Promise<number> {
    // Counted across restarts: DEL answers 1 only for the call that removed the key.
    const { cluster, layout } = this.context;
    let removed = 0;
    await clusterWide(cluster, () =>
      scanKeys(cluster, layout.kvPattern, async (keys) => {
        const counts = await mapConcurrent(keys, CONCURRENCY, (key) => cluster.del(key));
        for (const count of counts) removed += count;
      }),
    );
    return removed;
  }

  count(): Promise<number> {
    const { cluster, layout } = this.context;
    return clusterWide(cluster, async () => {
      let count = 0;
      await scanKeys(cluster, layout.kvPattern, (keys) => {
        count += keys.length;
      });
      return count;
    });
  }

  async contains(keys: readonly ExactJsonValue[]): Promise<string[]> {
    const { cluster, layout } = this.context;
    const names = distinctNames(keys);
    const exists = await mapConcurrent(names, CONCURRENCY, (name) => cluster.exists(layout.kvKey(name)));
    const present = new Set(names.filter((_name, i) => exists[i] === 1));
    return keys.filter((key): key is string => typeof key === 'string' && present.has(key));
  }

  keys(): Promise<string[]> {
    const { cluster, layout } = this.context;
    return clusterWide(cluster, async () => {
      const names: string[] = [];
      await scanKeys(cluster, layout.kvPattern, (keys) => {
        for (const key of keys) names.push(layout.kvNameOf(key));
      });
      return names;
    });
  }

  async clearSet(keys: ExactJsonObject): Promise<number> {
    const removed = await this.clear();
    await this.set(keys, true);
    return removed;
  }

  async find(path: string, result: KvFindResult, keys: readonly ExactJsonValue[]): Promise<string[] | ExactJsonObject> {
    // A path that does not parse is status 4 even when no value is searched: the (empty) scratch
    // map checks it with the engine's own rule, before any round trip.
    this.scratch.find(path, result, []);
    if (keys.length > 0) {
      const names = distinctNames(keys);
      const texts = await this.read(names);
      // The given list as it is (repeats, non-strings): the engine's find decides what they mean.
      return this.withScratch(names, texts, () => this.scratch.find(path, result, keys));
    }
    const { cluster, layout } = this.context;
    return clusterWide(cluster, async () => {
      const matched: string[] = [];
      const values = createMembers();
      await scanKeys(cluster, layout.kvPattern, async (found) => {
        const names = found.map((key) => layout.kvNameOf(key));
        const texts = await this.read(names);
        const part = this.withScratch(names, texts, () => this.scratch.find(path, result, names));
        if (Array.isArray(part)) matched.push(...part);
        else Object.assign(values, part);
      });
      return result === 'kv' ? values : matched;
    });
  }

  update(key: string, path: string, value: ExactJsonValue): Promise<KvEditResult> {
    return this.edit(key, () => this.scratch.update(key, path, value));
  }

  append(key: string, items: readonly ExactJsonValue[], name: string | undefined): Promise<KvEditResult> {
    return this.edit(key, () => this.scratch.append(key, items, name));
  }

  /** Every key and value, read now by SCAN: not one instant across the cluster (see README). */
  async snapshot(): Promise<Snapshot<KvEntry>> {
    const { cluster, layout } = this.context;
    const entries = await clusterWide(cluster, async () => {
      const found: KvEntry[] = [];
      await scanKeys(cluster, layout.kvPattern, async (keys) => {
        const texts = await mapConcurrent(keys, CONCURRENCY, (key) => cluster.get(key));
        keys.forEach((key, i) => {
          const text = texts[i];
          if (text !== null && text !== undefined) found.push([layout.kvNameOf(key), valueOf(text)]);
        });
      });
      return found;
    });
    return arraySnapshot(entries);
  }

  async restore(entries: Iterable<KvEntry>): Promise<number> {
    const { cluster, layout } = this.context;
    let count = 0;
    await forEachConcurrent(entries, CONCURRENCY, async ([name, value]) => {
      await cluster.set(layout.kvKey(name), valueText(value));
      count++;
    });
    return count;
  }

  // ----------------------------------------------------------------------------- internals

  private read(names: readonly string[]): Promise<(string | null)[]> {
    const { cluster, layout } = this.context;
    return mapConcurrent(names, CONCURRENCY, (name) => cluster.get(layout.kvKey(name)));
  }

  /** Runs `fn` on the scratch map holding the present ones of `names`, and empties it. */
  private withScratch<T>(names: readonly string[], texts: readonly (string | null)[], fn: () => T): T {
    const entries: KvEntry[] = [];
    names.forEach((name, i) => {
      const text = texts[i];
      if (text !== null && text !== undefined) entries.push([name, valueOf(text)]);
    });
    this.scratch.restore(entries);
    try {
      return fn();
    } finally {
      this.scratch.clear();
    }
  }

  /**
   * KV_UPDATE / KV_ARR_APPEND: read the value, edit it in the scratch map, and write it back only
   * if it is still what was read (a compare-and-swap script); else read again. Concurrent edits of
   * one key from several servers are thus applied one after the other, none lost.
   */
  private edit(key: string, operation: () => KvEditResult): Promise<KvEditResult> {
    const previous = this.editQueues.get(key) ?? Promise.resolve();
    const next = previous.then(
      () => this.swap(key, operation),
      () => this.swap(key, operation),
    );
    this.editQueues.set(key, next);
    const forget = () => {
      if (this.editQueues.get(key) === next) this.editQueues.delete(key);
    };
    next.then(forget, forget);
    return next;
  }

  private async swap(key: string, operation: () => KvEditResult): Promise<KvEditResult> {
    const { cluster, layout, scripts } = this.context;
    const redisKey = layout.kvKey(key);
    for (let attempt = 0; attempt < SWAP_ATTEMPTS; attempt++) {
      const before = await cluster.get(redisKey);
      if (before === null) return { status: 'no-key' };
      let after: string | undefined;
      const result = this.withScratch([key], [before], () => {
        const outcome = operation();
        if (outcome.status === 'done') after = valueText(this.scratch.get([key])[key]!);
        return outcome;
      });
      if (after === undefined || after === before) return result; // nothing to write
      if (await scripts.kvSwap(redisKey, before, after)) return result;
      await pause(Math.random() * SWAP_BACKOFF_MAX_MS * Math.min(1 + attempt, 4));
    }
    throw new Error(`KV edit of ${JSON.stringify(key)}: the value kept changing under ${SWAP_ATTEMPTS} attempts`);
  }
}
