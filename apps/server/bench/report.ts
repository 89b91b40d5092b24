// The load bench's tables: the median round of each row, the spread over the rounds, and the
// columns for the C++ reference, the cluster store and a baseline build when they ran.
import { benchMachine } from '@nemesisdb/test-utils';
import { rowName, type Scenario } from './scenarios.js';
import type { Target } from './targets.js';

export interface Measurement {
  opsPerSecond: number;
  p50: number;
  p99: number;
  /** Server CPU µs per request (all threads). */
  cpuPerRequest: number;
}

export type Results = Map<Scenario, Map<Target, Measurement[]>>;

/** The servers of a run; `ours` always, the others when they were started. */
export interface Lineup {
  ours: Target;
  reference: Target | null;
  onCluster: Target | null;
  baseline: Target | null;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The round whose ops/s is the median one (so its CPU and latency figures belong together). */
function medianRound(rounds: Measurement[]): Measurement {
  const ops = median(rounds.map((r) => r.opsPerSecond));
  return rounds.reduce((best, r) => (Math.abs(r.opsPerSecond - ops) < Math.abs(best.opsPerSecond - ops) ? r : best));
}

/** Spread of ops/s over the rounds, as ± half the range relative to the median. */
function spread(rounds: Measurement[]): string {
  if (rounds.length < 2) return '—';
  const ops = rounds.map((r) => r.opsPerSecond);
  return `±${(((Math.max(...ops) - Math.min(...ops)) / 2 / median(ops)) * 100).toFixed(0)} %`;
}

export const kops = (value: number) => `${(value / 1000).toFixed(1)}k`;
const ms = (value: number) => value.toFixed(3);
const latency = (m: Measurement) => `${ms(m.p50)} / ${ms(m.p99)}`;
const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const header = (cells: string[]) => `\n${row(cells)}\n|${cells.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`;

export function printReport(
  results: Results,
  { ours, reference, onCluster, baseline }: Lineup,
  run: { seconds: number; rounds: number },
): void {
  console.log(
    `\nnemesisdb load: ${benchMachine()}; ${run.seconds} s per measurement, median of ${run.rounds} interleaved rounds; ` +
      `server and load generator on one machine (server CPU µs/req = utime+stime of the server ÷ replies)`,
  );
  printMain(results, ours, reference);
  if (onCluster) printCluster(results, ours, onCluster);
  if (baseline) printBaseline(results, ours, baseline);
  if (!reference) console.log('\n(set NDB_REF_BIN to the C++ v0.7.4 binary for its column: docs/guides/reference-server.md)');
}

/** Ours on every row, and C++ beside it when it ran. */
function printMain(results: Results, ours: Target, reference: Target | null): void {
  const titles = ['row', 'ours ops/s', 'spread'];
  if (reference) titles.push('C++ ops/s', 'ours ÷ C++', 'spread C++');
  titles.push('ours CPU µs/req');
  if (reference) titles.push('C++ CPU µs/req', 'C++ ÷ ours CPU');
  titles.push('ours p50 / p99 ms');
  if (reference) titles.push('C++ p50 / p99 ms');
  console.log(header(titles));
  for (const [scenario, byTarget] of results) {
    const mine = byTarget.get(ours)!;
    const m = medianRound(mine);
    const cells = [rowName(scenario), kops(m.opsPerSecond), spread(mine)];
    const theirs = reference ? byTarget.get(reference) : undefined;
    const r = theirs ? medianRound(theirs) : undefined;
    if (reference)
      cells.push(
        r ? kops(r.opsPerSecond) : '—',
        r ? `${(m.opsPerSecond / r.opsPerSecond).toFixed(2)}×` : '—',
        theirs ? spread(theirs) : '—',
      );
    cells.push(m.cpuPerRequest.toFixed(2));
    if (reference) cells.push(r ? r.cpuPerRequest.toFixed(2) : '—', r ? `${(r.cpuPerRequest / m.cpuPerRequest).toFixed(2)}×` : '—');
    cells.push(latency(m));
    if (reference) cells.push(r ? latency(r) : '—');
    console.log(row(cells));
  }
}

function printCluster(results: Results, ours: Target, onCluster: Target): void {
  console.log('\nthe cluster store (3 masters, 3 replicas on this machine) next to the memory store, same rounds:');
  console.log(
    header([
      'row',
      'memory ops/s',
      'cluster ops/s',
      'cluster ÷ memory',
      'memory CPU µs/req',
      'cluster CPU µs/req (server only)',
      'cluster p50 / p99 ms',
    ]),
  );
  for (const [scenario, byTarget] of results) {
    const rounds = byTarget.get(onCluster);
    if (!rounds) continue;
    const c = medianRound(rounds);
    const m = medianRound(byTarget.get(ours)!);
    const cpu = [m, c].map((x) => x.cpuPerRequest.toFixed(2));
    console.log(
      row([
        rowName(scenario),
        kops(m.opsPerSecond),
        kops(c.opsPerSecond),
        `${(c.opsPerSecond / m.opsPerSecond).toFixed(2)}×`,
        ...cpu,
        latency(c),
      ]),
    );
  }
}

function printBaseline(results: Results, ours: Target, baseline: Target): void {
  console.log(`\nours against the baseline (LOAD_BASELINE_NODE_ARGS=${process.env.LOAD_BASELINE_NODE_ARGS}), same rounds:`);
  console.log(header(['row', 'baseline ops/s', 'ours ops/s', 'baseline CPU µs/req', 'ours CPU µs/req', 'CPU per request']));
  for (const [scenario, byTarget] of results) {
    const b = medianRound(byTarget.get(baseline)!);
    const m = medianRound(byTarget.get(ours)!);
    const change = (((m.cpuPerRequest - b.cpuPerRequest) / b.cpuPerRequest) * 100).toFixed(0);
    console.log(
      row([
        rowName(scenario),
        kops(b.opsPerSecond),
        kops(m.opsPerSecond),
        b.cpuPerRequest.toFixed(2),
        m.cpuPerRequest.toFixed(2),
        `${change} %`,
      ]),
    );
  }
}
