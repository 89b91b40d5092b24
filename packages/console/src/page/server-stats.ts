// One point of the server view per poll, from `GET /health` (JSON) and `GET /metrics`
// (Prometheus text): counts as they are, requests/s and latency as rates over the time since the
// previous poll. Pure, tested in Node against a real server.

import { total, type Metrics } from './prometheus.js';

export interface ServerPoint {
  /** Seconds since the epoch (uPlot's x). */
  t: number;
  requestsPerSecond: number | null;
  /** Mean request latency over the interval, in µs (server side: request in → reply ready). */
  latencyUs: number | null;
  sessions: number | null;
  sessionKeys: number | null;
  kvKeys: number | null;
  connections: number | null;
  rssMiB: number | null;
  heapMiB: number | null;
}

interface Counters {
  at: number;
  commands: number | undefined;
  latencySum: number | undefined;
  latencyCount: number | undefined;
  uptime: number | undefined;
}

const MIB = 1024 * 1024;

function mib(bytes: number | undefined): number | null {
  return bytes === undefined ? null : Math.round((bytes / MIB) * 10) / 10;
}

function numberOr(value: unknown, fallback: number | undefined): number | null {
  if (typeof value === 'number') return value;
  return fallback ?? null;
}

/** Turns successive polls into points; keeps the last `capacity` (five minutes at one per 2 s). */
export class ServerStats {
  private previous: Counters | undefined;
  readonly points: ServerPoint[] = [];

  constructor(private readonly capacity = 150) {}

  /** Adds the poll made at `at` (ms since the epoch). */
  add(at: number, health: Record<string, unknown>, metrics: Metrics): ServerPoint {
    const counters: Counters = {
      at,
      commands: total(metrics, 'nemesisdb_commands_total'),
      latencySum: total(metrics, 'nemesisdb_request_duration_seconds_sum'),
      latencyCount: total(metrics, 'nemesisdb_request_duration_seconds_count'),
      uptime: typeof health.uptime === 'number' ? health.uptime : undefined,
    };
    const previous = this.previous;
    // A counter that went down, or an uptime that did: the server restarted, no rate this time.
    const restarted =
      previous !== undefined &&
      ((counters.uptime !== undefined && previous.uptime !== undefined && counters.uptime < previous.uptime) ||
        (counters.commands !== undefined && previous.commands !== undefined && counters.commands < previous.commands));
    const seconds = previous === undefined ? 0 : (at - previous.at) / 1000;
    const rate = (now: number | undefined, before: number | undefined) =>
      previous === undefined || restarted || seconds <= 0 || now === undefined || before === undefined ? null : (now - before) / seconds;
    const requests = rate(counters.commands, previous?.commands);
    const count = rate(counters.latencyCount, previous?.latencyCount);
    const sum = rate(counters.latencySum, previous?.latencySum);
    const point: ServerPoint = {
      t: at / 1000,
      requestsPerSecond: requests === null ? null : Math.round(requests * 10) / 10,
      latencyUs: count === null || sum === null || count === 0 ? null : Math.round((sum / count) * 1e6 * 10) / 10,
      sessions: numberOr(health.sessions, total(metrics, 'nemesisdb_sessions')),
      sessionKeys: numberOr(
        health.sessionKeys,
        total(metrics, 'nemesisdb_keys', (labels) => labels.store === 'sessions'),
      ),
      kvKeys: numberOr(
        health.keys,
        total(metrics, 'nemesisdb_keys', (labels) => labels.store === 'kv'),
      ),
      connections: numberOr(health.connections, total(metrics, 'nemesisdb_connections')),
      rssMiB: mib(total(metrics, 'nemesisdb_process_resident_memory_bytes')),
      heapMiB: mib(total(metrics, 'nemesisdb_nodejs_heap_size_used_bytes')),
    };
    this.previous = counters;
    this.points.push(point);
    if (this.points.length > this.capacity) this.points.splice(0, this.points.length - this.capacity);
    return point;
  }
}
