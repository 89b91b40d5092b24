import type { Engine } from '@nemesisdb/engine';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** Upper bounds (seconds) of the request latency buckets: 10 µs to 1 s. */
export const LATENCY_BUCKETS = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1];

/**
 * Request latency counts, recorded on the request path. prom-client's Histogram costs ~135 ns per
 * observation (label hashing, object lookups), measured on the reference machine; this array of
 * counters costs a few, and is handed to prom-client only when /metrics is scraped.
 */
export class LatencyHistogram {
  readonly counts = new Float64Array(LATENCY_BUCKETS.length + 1);
  sum = 0;
  total = 0;

  /** Records one request that took `seconds`. */
  observe(seconds: number): void {
    let bucket = 0;
    while (bucket < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[bucket]!) bucket++;
    this.counts[bucket]!++;
    this.sum += seconds;
    this.total++;
  }
}

export interface ServerMetrics {
  readonly registry: Registry;
  readonly latency: LatencyHistogram;
  connectionOpened(): void;
  connectionRefused(): void;
}

/**
 * The Prometheus metrics of a server: connections, replies by command and status, request latency,
 * sessions, keys and expiries (read from the engine at scrape time), and the process's own.
 */
export function createMetrics(engine: Engine, connections: () => number): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'nemesisdb_' });
  const latency = new LatencyHistogram();

  new Gauge({
    name: 'nemesisdb_connections',
    help: 'Open WebSocket connections.',
    registers: [registry],
    collect() {
      this.set(connections());
    },
  });
  const opened = new Counter({
    name: 'nemesisdb_connections_opened_total',
    help: 'WebSocket connections accepted.',
    registers: [registry],
  });
  const refused = new Counter({
    name: 'nemesisdb_connections_refused_total',
    help: 'WebSocket upgrades refused because the connection limit was reached.',
    registers: [registry],
  });
  new Counter({
    name: 'nemesisdb_commands_total',
    help: 'Replies sent, by command and status (requests naming no command count as ERR).',
    labelNames: ['command', 'st'],
    registers: [registry],
    collect() {
      this.reset();
      for (const { command, st, count } of engine.commandCounts()) this.inc({ command, st: String(st) }, count);
    },
  });
  const stats = async () => engine.stats();
  new Gauge({
    name: 'nemesisdb_sessions',
    help: 'Sessions held.',
    registers: [registry],
    async collect() {
      this.set((await stats()).sessions);
    },
  });
  new Gauge({
    name: 'nemesisdb_keys',
    help: 'Keys held, by where they live.',
    labelNames: ['store'],
    registers: [registry],
    async collect() {
      const { sessionKeys, kvKeys } = await stats();
      this.set({ store: 'sessions' }, sessionKeys);
      this.set({ store: 'kv' }, kvKeys);
    },
  });
  new Counter({
    name: 'nemesisdb_expired_sessions_total',
    help: 'Session expiries applied (sessions deleted, or their keys cleared).',
    registers: [registry],
    async collect() {
      this.reset();
      this.inc((await stats()).expiredSessions);
    },
  });
  new Gauge({
    name: 'nemesisdb_journal_failed',
    help: '1 while the journal cannot be written (changes are refused, reads go on), else 0 (also without a journal).',
    registers: [registry],
    collect() {
      if (engine.journaling) this.set(engine.journalFailure() === null ? 0 : 1);
    },
  });
  registry.registerMetric(latencyMetric(latency));

  return {
    registry,
    latency,
    connectionOpened: () => opened.inc(),
    connectionRefused: () => refused.inc(),
  };
}

/** The latency histogram in prom-client's shape, built from the counters at scrape time. */
function latencyMetric(latency: LatencyHistogram) {
  const name = 'nemesisdb_request_duration_seconds';
  const help = 'Time from a request arriving to its reply being ready.';
  return {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    collect: () => {},
    reset: () => {},
    get() {
      const values = [];
      let cumulative = 0;
      for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
        cumulative += latency.counts[i]!;
        values.push({ labels: { le: LATENCY_BUCKETS[i]! }, value: cumulative, metricName: `${name}_bucket` });
      }
      values.push({ labels: { le: '+Inf' }, value: latency.total, metricName: `${name}_bucket` });
      values.push({ labels: {}, value: latency.sum, metricName: `${name}_sum` });
      values.push({ labels: {}, value: latency.total, metricName: `${name}_count` });
      return { name, help, type: 'histogram', values, aggregator: 'sum' };
    },
  } as unknown as Parameters<Registry['registerMetric']>[0];
}
