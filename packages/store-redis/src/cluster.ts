// Cluster-wide work: commands that concern every session or every KV key (SH_INFO_ALL,
// SH_END_ALL, KV_KEYS, KV_COUNT, KV_CLEAR, SAVE) SCAN each master for the prefix's keys.

import { JsonPathError } from '@nemesisdb/engine';
import type { Cluster } from 'ioredis';

/** Keys asked of a master per SCAN step (a hint to Redis; it may return more or fewer). */
export const SCAN_COUNT = 1000;
/** Independent commands in flight at once for one cluster-wide operation. */
export const CONCURRENCY = 256;
/** Attempts of a cluster-wide operation that meets a topology change (failover, resharding). */
const ATTEMPTS = 4;
const RETRY_DELAY_MS = 250;

/** Settles once the connection knows the cluster's masters (commands wait for it by themselves). */
export function whenReady(cluster: Cluster): Promise<void> {
  if (cluster.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const ready = () => {
      cluster.off('end', end);
      resolve();
    };
    const end = () => {
      cluster.off('ready', ready);
      reject(new Error('the Redis cluster connection ended before it was ready'));
    };
    cluster.once('ready', ready);
    cluster.once('end', end);
  });
}

function refreshSlots(cluster: Cluster): Promise<void> {
  // A failed refresh is not an error here: the retry that follows reports what is wrong.
  return new Promise((resolve) => cluster.refreshSlotsCache(() => resolve()));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `onKeys` with every key matching `pattern` on every master, each key once, in batches
 * (one SCAN reply each). `onKeys` runs for batches of several masters at once.
 *
 * Not a point-in-time view: keys written during the scan may or may not be seen (SCAN's own
 * guarantee: a key present for the whole scan is returned). A master that fails mid-scan fails the
 * whole call; {@link clusterWide} retries it.
 */
export async function scanKeys(cluster: Cluster, pattern: string, onKeys: (keys: Buffer[]) => Promise<void> | void): Promise<void> {
  await whenReady(cluster);
  // The same key may come from two nodes while a slot moves (resharding, failover): once only.
  const seen = new Set<string>();
  await Promise.all(
    cluster.nodes('master').map(async (node) => {
      let cursor = '0';
      do {
        const [next, keys] = await node.scanBuffer(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
        cursor = next.toString();
        const fresh: Buffer[] = [];
        for (const key of keys) {
          const id = key.toString('latin1');
          if (!seen.has(id)) {
            seen.add(id);
            fresh.push(key);
          }
        }
        if (fresh.length > 0) await onKeys(fresh);
      } while (cursor !== '0');
    }),
  );
}

/**
 * Runs a cluster-wide operation; when it fails (a master died or slots moved during the scan), the
 * slot map is refreshed and the operation starts over. Operations must be safe to restart: they
 * rebuild their results from scratch, and what they change is idempotent (ending a session twice
 * ends it once).
 */
export async function clusterWide<T>(cluster: Cluster, operation: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      // A bad JSONPath (KV_FIND) is the request's fault: starting over would fail the same way.
      if (attempt >= ATTEMPTS || cluster.status === 'end' || error instanceof JsonPathError) throw error;
      await sleep(RETRY_DELAY_MS * attempt);
      await refreshSlots(cluster);
    }
  }
}

/** `fn` over `items` with at most `limit` calls in flight; results in the order of `items`. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * `fn` over every item of a (possibly lazy, possibly huge) iterable, `limit` at a time, without
 * materialising it: a dataset being loaded streams through.
 */
export async function forEachConcurrent<T>(items: Iterable<T>, limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === limit) {
      await Promise.all(batch.map(fn));
      batch = [];
    }
  }
  if (batch.length > 0) await Promise.all(batch.map(fn));
}
