// Client library: ioredis 5 (^5.11, MIT, pure JavaScript, Node >= 12.22 so Node 20.19 is fine).
// Why not @valkey/valkey-glide: glide is a Rust core behind a native addon, shipped as one npm
// package per platform (linux-x64-gnu, linux-arm64-musl, darwin-…), so installs depend on the
// platform matching a prebuilt binary and `npm install --omit=optional` or an unusual libc breaks
// it; its cluster client is good but its scripting API (Script objects) and error model are newer
// and less used. ioredis has a decade of Redis Cluster use (MOVED/ASK handling, slot refresh,
// retries during failover), `defineCommand` for EVALSHA-with-fallback scripts, SCAN on each
// master through `cluster.nodes('master')`, and works against Redis and Valkey alike (Valkey
// speaks the same protocol). ioredis 6.0 (Node >= 20) is days old; 5.x is the maintained line
// this package is tested with.

import { RandomTokens, type DataStore, type StoreStats, type TokenSource } from '@nemesisdb/engine';
import { Cluster, type ClusterOptions } from 'ioredis';
import { clusterWide, mapConcurrent, scanKeys, whenReady, CONCURRENCY } from './cluster.js';
import { KeyLayout } from './keys.js';
import { RedisKv } from './kv.js';
import { Scripts } from './scripts.js';
import { SessionBatches } from './session-batches.js';
import type { StoreContext } from './context.js';
import { RedisSessions } from './sessions.js';

export interface RedisNode {
  host: string;
  port: number;
}

export interface RedisStoreOptions {
  /** Some nodes of the cluster (masters or replicas); the others are discovered from them. */
  nodes: readonly RedisNode[];
  /**
   * Prepended to every key, so several deployments (or other applications) can share a cluster.
   * Must not contain `{` or `}`. Defaults to `"nemesisdb:"`.
   */
  keyPrefix?: string;
  /**
   * Where `now` comes from, in wall-clock milliseconds. By default each script reads the clock of
   * the master that owns the session (Redis TIME): the clock PEXPIREAT obeys, and the same one for
   * every NemesisDB server. Given a clock (such as `{ now: () => Date.now() }`, or a manual clock
   * in tests), scripts use the caller's time for their checks, while Redis still reclaims keys by
   * its own clock at PEXPIREAT: keep all clocks in sync (NTP) or sessions may be reclaimed early.
   */
  clock?: { now(): number };
  /** Session tokens; defaults to 64 random bits from the CSPRNG, never 0 (the engine's). */
  tokens?: TokenSource;
  /** The Redis ACL user (Redis 6+) every node is logged in as; with `password`. */
  username?: string;
  /** `requirepass` or the ACL user's password, for every node (and the ones discovered from them). */
  password?: string;
  /** ioredis Cluster options, applied over this store's defaults (see `DEFAULT_CLUSTER_OPTIONS`). */
  clusterOptions?: ClusterOptions;
  /** How long `stats()` reuses its last count, in ms (counting scans every master). Default 2000. */
  statsMaxAgeMs?: number;
  /**
   * What keeps the order of requests a connection sends without waiting for their replies (replies
   * always come back in request order):
   * - `"session"` (default): requests on one session take effect in request order; requests on
   *   different sessions in flight together take effect in any order among themselves, as
   *   concurrent requests do (a client that needs one before the other waits for its reply). They
   *   run side by side on the cluster's masters: several times the throughput of a connection that
   *   addresses many sessions.
   * - `"connection"`: every request of a connection takes effect in request order, as on the
   *   memory store; a request on another session than the ones in flight waits for their replies.
   */
  ordering?: RedisOrdering;
}

/** See `RedisStoreOptions.ordering`. */
export type RedisOrdering = 'session' | 'connection';

/**
 * ioredis settings for a store. Failover: a command to a master that died is retried every 200 ms
 * (`retryDelayOnFailover`, `retryDelayOnClusterDown`) up to `maxRedirections` times, i.e. for
 * about 5 s, while the cluster promotes a replica; past that it fails and the engine answers 1000.
 */
export const DEFAULT_CLUSTER_OPTIONS: ClusterOptions = {
  scaleReads: 'master', // scripts write (expiry), and replicas lag: always the master
  // Commands issued in one tick go to each master as one write: 1.3–2.4× the throughput of one
  // write per command (measured: KV_GET 18k → 43k/s, SH_NEW 14k → 25k/s), same failover behaviour.
  enableAutoPipelining: true,
  maxRedirections: 24,
  retryDelayOnFailover: 200,
  retryDelayOnClusterDown: 200,
  retryDelayOnTryAgain: 100,
  slotsRefreshTimeout: 2000,
  slotsRefreshInterval: 5000,
  redisOptions: {
    connectionName: 'nemesisdb',
    // A master that stops answering without closing its socket (a partition) must not hold
    // requests forever: past this, the request fails (1000) and the next one tries again.
    commandTimeout: 5000,
  },
};

/**
 * The engine's data layer on a Redis Cluster (or Valkey cluster): several stateless NemesisDB
 * servers, each with its own `RedisStore` on the same cluster and prefix, serve the same sessions
 * and KV keys with the protocol's semantics, exact expiry included.
 *
 * ```ts
 * const store = new RedisStore({ nodes: [{ host: '10.0.0.1', port: 7000 }], keyPrefix: 'app1:' });
 * await store.ready();
 * const engine = new Engine({ store });
 * ```
 */
export class RedisStore implements DataStore {
  readonly sessions: RedisSessions;
  readonly kv: RedisKv;
  /** The connection (exposed for diagnostics and tests: slot owners, WAIT, INFO). */
  readonly cluster: Cluster;
  readonly layout: KeyLayout;
  /**
   * One session's two keys share a slot, so its calls go to one master, in batches sent one at a
   * time over one connection in the order the calls were made (session-batches.ts); calls sent
   * again through ioredis (a slot that moved, a batch that did not run) settle before the next
   * batch, and ioredis keeps their order on MOVED/ASK redirections and reconnections. So requests
   * of a connection on one session may be in flight together (the server's pipelining,
   * `Engine.executeAfter`) and still take effect in request order. Each command stays one atomic
   * script. During a failover, a command that fails and is retried (CLUSTERDOWN, TRYAGAIN) can be
   * overtaken by the next one on the session, within the same window in which Redis'
   * asynchronous replication may lose acknowledged writes.
   */
  readonly pipelinesSessions = true;
  /** Unless `ordering` is "connection": calls on different sessions run side by side (see `RedisStoreOptions.ordering`). */
  readonly pipelinesAcrossSessions: boolean;
  private readonly statsMaxAgeMs: number;
  private statsCache: { at: number; value: Promise<StoreStats> } | undefined;
  private lastError: Error | undefined;
  private lastNodeError: string | undefined;

  constructor(options: RedisStoreOptions) {
    if (options.nodes.length === 0) throw new RangeError('RedisStore needs at least one cluster node');
    this.layout = new KeyLayout(options.keyPrefix);
    const overrides = options.clusterOptions ?? {};
    this.cluster = new Cluster(
      options.nodes.map(({ host, port }) => ({ host, port })),
      {
        ...DEFAULT_CLUSTER_OPTIONS,
        ...overrides,
        redisOptions: {
          ...DEFAULT_CLUSTER_OPTIONS.redisOptions,
          ...(options.username === undefined ? {} : { username: options.username }),
          ...(options.password === undefined ? {} : { password: options.password }),
          ...overrides.redisOptions,
        },
      },
    );
    // Without a listener, a node's connection error would be an uncaught 'error' event; failures
    // reach callers through the commands that fail, and the last one explains a failed ready().
    this.cluster.on('error', (error: Error) => {
      this.lastError = error;
    });
    // A node's own error (e.g. ECONNREFUSED) says more than the cluster's "Failed to refresh slots cache".
    this.cluster.on('node error', (error: Error, address: string) => {
      this.lastNodeError = `${address}: ${error.message}`;
    });
    const clock = options.clock;
    const scripts = new Scripts(this.cluster);
    const context: StoreContext = {
      cluster: this.cluster,
      layout: this.layout,
      scripts,
      batches: new SessionBatches(this.cluster, scripts, this.layout),
      tokens: options.tokens ?? new RandomTokens(),
      now: clock === undefined ? () => '' : () => String(Math.floor(clock.now())),
    };
    this.sessions = new RedisSessions(context);
    this.kv = new RedisKv(context);
    this.statsMaxAgeMs = options.statsMaxAgeMs ?? 2000;
    const ordering = options.ordering ?? 'session';
    if (ordering !== 'session' && ordering !== 'connection')
      throw new RangeError(`ordering must be "session" or "connection" (got ${String(ordering)})`);
    this.pipelinesAcrossSessions = ordering === 'session';
  }

  /**
   * Settles once the cluster's slot map is known (commands sent before wait for it). Await it at
   * startup to fail fast on a wrong address: rejects after `timeoutMs`, and at once when the
   * cluster refuses the login (NOAUTH, WRONGPASS).
   */
  async ready(timeoutMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let onNodeError: ((error: Error, address: string) => void) | undefined;
    const failure = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        const last = this.lastNodeError ?? this.lastError?.message;
        const why = last === undefined ? '' : ` (last error: ${last})`;
        reject(new Error(`the Redis cluster was not ready within ${timeoutMs} ms${why}`));
      }, timeoutMs);
      // A refused login does not get better by waiting: fail at once.
      onNodeError = (error, address) => {
        if (/^(NOAUTH|WRONGPASS)\b/.test(error.message))
          reject(new Error(`the Redis cluster refused the login: ${address}: ${error.message}`));
      };
      this.cluster.on('node error', onNodeError);
    });
    try {
      await Promise.race([whenReady(this.cluster), failure]);
    } finally {
      clearTimeout(timer);
      if (onNodeError !== undefined) this.cluster.off('node error', onNodeError);
    }
  }

  async close(): Promise<void> {
    if (this.cluster.status === 'end') return;
    try {
      await this.cluster.quit();
    } catch {
      this.cluster.disconnect();
    }
  }

  /**
   * Counts by SCAN over every master (a cluster keeps no per-prefix totals): O(keys), so the
   * result is reused for `statsMaxAgeMs` (health checks and metrics scrapes ask several times).
   * `sessions` may include deleteSession:false sessions whose keys are due to be cleared; SH_INFO_ALL
   * is the exact count.
   */
  stats(): Promise<StoreStats> {
    const now = Date.now();
    const cached = this.statsCache;
    if (cached !== undefined && now - cached.at < this.statsMaxAgeMs) return cached.value;
    const value = this.countAll();
    this.statsCache = { at: now, value };
    value.catch(() => {
      if (this.statsCache?.value === value) this.statsCache = undefined; // do not keep a failure
    });
    return value;
  }

  private async countAll(): Promise<StoreStats> {
    const { cluster, layout } = this;
    const count = (pattern: string) =>
      clusterWide(cluster, async () => {
        let total = 0;
        await scanKeys(cluster, pattern, (keys) => {
          total += keys.length;
        });
        return total;
      });
    const sessionKeys = clusterWide(cluster, async () => {
      let total = 0;
      await scanKeys(cluster, layout.sessionDataPattern, async (keys) => {
        for (const n of await mapConcurrent(keys, CONCURRENCY, (key) => cluster.hlen(key))) total += n;
      });
      return total;
    });
    const [sessions, keys, kvKeys] = await Promise.all([count(layout.sessionMetaPattern), sessionKeys, count(layout.kvPattern)]);
    return { sessions, sessionKeys: keys, kvKeys, expiredSessions: this.sessions.expiredCount };
  }
}
