import { tlsHint, type ConnectionSettings } from './connection.js';
import { ExitCode } from './exit-codes.js';
import { getText } from './http-get.js';
import { complain, type Output } from './output.js';

/*
 * `--stat`, as `redis-cli --stat`: a line per interval with sessions, keys, connections, ops/s
 * and memory, read from the server's `/health` (sizes) and `/metrics` (commands served, resident
 * memory) on the same host and port. ops/s is the growth of `nemesisdb_commands_total` over the
 * interval, so it counts every client's requests, not only this one's.
 */

export interface StatOptions {
  intervalMs: number;
  /** Stop after this many lines (default: until interrupted). */
  count: number | undefined;
}

export interface Sample {
  sessions: number | undefined;
  kvKeys: number | undefined;
  sessionKeys: number | undefined;
  connections: number | undefined;
  commandsTotal: number;
  residentBytes: number | undefined;
  at: number;
}

/** Sums the samples of one metric in Prometheus text (every label set), or `undefined` if absent. */
export function metricSum(text: string, name: string): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    // `name value` or `name{labels} value`, maybe followed by a timestamp.
    const afterLabels = rest[0] === '{' ? rest.slice(rest.lastIndexOf('}') + 1) : rest;
    const value = Number(afterLabels.trim().split(' ')[0]);
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}

async function sample(settings: ConnectionSettings, timeoutMs: number): Promise<Sample> {
  const [health, metrics] = await Promise.all([getText(settings, '/health', timeoutMs), getText(settings, '/metrics', timeoutMs)]);
  if (metrics.status === 401) throw new Error('the server requires a token for /metrics: pass --token or set NEMESISDB_TOKEN');
  if (metrics.status !== 200) throw new Error(`GET /metrics answered HTTP ${metrics.status}`);
  // Another HTTP server on the port would give a table of blanks: say what is wrong instead.
  if (!/^nemesisdb_/m.test(metrics.body)) throw new Error('GET /metrics has no nemesisdb_ metrics: is this a NemesisDB server?');
  let h: Record<string, unknown> = {};
  try {
    h = JSON.parse(health.body) as Record<string, unknown>; // small counts: no 64-bit values in /health
  } catch {
    // leave the sizes blank; /metrics still has the rest
  }
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  return {
    sessions: num(h.sessions) ?? metricSum(metrics.body, 'nemesisdb_sessions'),
    kvKeys: num(h.keys),
    sessionKeys: num(h.sessionKeys),
    connections: num(h.connections) ?? metricSum(metrics.body, 'nemesisdb_connections'),
    commandsTotal: metricSum(metrics.body, 'nemesisdb_commands_total') ?? 0,
    residentBytes: metricSum(metrics.body, 'nemesisdb_process_resident_memory_bytes'),
    at: performance.now(),
  };
}

const COLUMNS = ['sessions', 'kv keys', 'session keys', 'connections', 'ops/s', 'memory'];
const WIDTH = 13;

function cell(value: string): string {
  return value.padStart(WIDTH);
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '-';
  const units = ['B', 'K', 'M', 'G', 'T'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 2)}${units[unit]}`;
}

export function formatSample(current: Sample, previous: Sample | undefined): string {
  const count = (v: number | undefined) => (v === undefined ? '-' : String(v));
  const ops =
    previous === undefined
      ? '-'
      : String(Math.max(0, Math.round(((current.commandsTotal - previous.commandsTotal) * 1000) / (current.at - previous.at))));
  return [
    count(current.sessions),
    count(current.kvKeys),
    count(current.sessionKeys),
    count(current.connections),
    ops,
    formatBytes(current.residentBytes),
  ]
    .map(cell)
    .join('');
}

export async function runStat(settings: ConnectionSettings, options: StatOptions, output: Output, stop: AbortSignal): Promise<number> {
  const { c } = output;
  let previous: Sample | undefined;
  let lines = 0;
  let failing = false;
  while (!stop.aborted && (options.count === undefined || lines < options.count)) {
    try {
      const current = await sample(settings, Math.max(1000, options.intervalMs));
      if (lines % 20 === 0) output.out.write(`${c.bold(COLUMNS.map(cell).join(''))}\n`);
      output.out.write(`${formatSample(current, previous)}\n`);
      previous = current;
      failing = false;
    } catch (error) {
      if (lines === 0) {
        const { message } = error as Error;
        complain(output, `cannot read ${settings.url}'s /health and /metrics: ${message}${tlsHint(message)}`);
        return ExitCode.Unreachable;
      }
      if (!failing) output.out.write(`${c.red(`(no answer: ${(error as Error).message})`)}\n`);
      failing = true;
      previous = undefined;
    }
    lines++;
    if (options.count !== undefined && lines >= options.count) break;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.intervalMs);
      stop.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
  return ExitCode.Ok;
}
