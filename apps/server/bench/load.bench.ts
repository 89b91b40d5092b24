// Load benchmark: a load generator on loopback against the `nemesisdb` app, as a separate process,
// and (when NDB_REF_BIN names its binary) against C++ NemesisDB v0.7.4 in the same run, and (when
// redis-server is installed) against the app on a throwaway 3-master Redis Cluster.
//
// The generator writes pre-built, pre-masked WebSocket frames on raw TCP sockets and only counts
// reply frames (no JSON parsing on the hot path), so that on a two-core machine most of the
// client's core is left for sending; the fair figure is the server's CPU time per request, read
// from /proc/PID/stat (utime + stime, all threads) over the measured window.
//
// Every row is measured LOAD_ROUNDS times (default 3), the servers interleaved (ours, C++, …, in
// an order that rotates each round), and the table gives the median round and the spread of our
// ops/s over the rounds, so that noise from other work on the machine shows instead of hiding.
// The pieces: scenarios.ts (mixes and rows), targets.ts (the servers), load-connection.ts (the
// generator, on raw-websocket.ts), report.ts (the tables).
// Run with `pnpm bench` (after `pnpm build`); LOAD_SECONDS per measurement (default 3);
// LOAD_ONLY=session:4:64 runs one row; LOAD_SERVER_NODE_ARGS="--cpu-prof" profiles our server;
// LOAD_BASELINE_NODE_ARGS="--import ./bench/baseline-loader.mjs" adds our server started with those
// Node arguments as a "baseline" (that loader maps packages to an older build: see its header), measured
// in the same rounds, to show what a change bought.
import { RedisCluster, findRedis } from '@nemesisdb/store-redis/testing';
import { LoadConnection } from './load-connection.js';
import { printReport, kops, type Measurement, type Results } from './report.js';
import { SESSION_POOL, chosenScenarios, requests, type Scenario } from './scenarios.js';
import { cpuSeconds } from '@nemesisdb/test-utils';
import { startOurs, startReference, type Target } from './targets.js';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 3);
const ROUNDS = Number(process.env.LOAD_ROUNDS ?? 3);
const WARMUP_SECONDS = 1;
const REF_BIN = process.env.NDB_REF_BIN;
const SCENARIOS = chosenScenarios();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tokenOf = (reply: string) => /"tkn":(\d+)/.exec(reply)![1]!;

/** Creates the pool of sessions the session mix addresses. */
async function createSessions(target: Target): Promise<void> {
  const setup = await LoadConnection.open(target.port);
  const replies = await setup.requestAll(Array.from({ length: SESSION_POOL }, () => '{"SH_NEW":{}}'));
  target.tokens = replies.map(tokenOf);
  setup.close();
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function measure(target: Target, scenario: Scenario): Promise<Measurement> {
  const connections = await Promise.all(Array.from({ length: scenario.connections }, () => LoadConnection.open(target.port)));
  for (const c of connections) {
    const tokens = scenario.mix === 'own' ? [tokenOf((await c.requestAll(['{"SH_NEW":{}}']))[0]!)] : target.tokens;
    c.run(requests(scenario.mix, tokens, 4096), scenario.inFlight);
  }
  await sleep(WARMUP_SECONDS * 1000);
  const repliesBefore = connections.reduce((sum, c) => sum + c.replies, 0);
  for (const c of connections) c.latencies = [];
  const cpuBefore = cpuSeconds(target.pid);
  const started = performance.now();
  await sleep(SECONDS * 1000);
  const elapsed = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(target.pid) - cpuBefore;
  const replies = connections.reduce((sum, c) => sum + c.replies, 0) - repliesBefore;
  for (const c of connections) c.stop();
  const latencies = Float64Array.from(connections.flatMap((c) => c.latencies)).sort();
  for (const c of connections) c.close();
  // Let the server finish the requests still in flight before the next measurement starts.
  await sleep(200);
  return {
    opsPerSecond: replies / elapsed,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    cpuPerRequest: (cpu / replies) * 1e6,
  };
}

async function main(): Promise<void> {
  const targets: Target[] = [];
  const stops: (() => Promise<void>)[] = [];
  let cluster: RedisCluster | null = null;
  const started = async (target: Target, measuredOnEveryRow = true) => {
    if (measuredOnEveryRow) targets.push(target);
    stops.push(target.stop);
    return target;
  };
  try {
    const ours = await started(await startOurs('ours'));
    const reference = REF_BIN ? await started(await startReference(REF_BIN)) : null;
    const baselineArgs = process.env.LOAD_BASELINE_NODE_ARGS;
    const baseline = baselineArgs ? await started(await startOurs('baseline', [], baselineArgs)) : null;
    let onCluster: Target | null = null;
    const tools = findRedis();
    if (SCENARIOS.some((s) => s.cluster) && tools !== undefined && process.env.LOAD_CLUSTER !== '0') {
      cluster = await RedisCluster.start(tools);
      const nodes = cluster.seeds.map((seed) => `${seed.host}:${seed.port}`).join(',');
      const args = ['--store', 'redis', '--redis-nodes', nodes, '--redis-key-prefix', 'bench:'];
      onCluster = await started(await startOurs('ours, cluster store', args), false);
    }
    for (const target of [...targets, ...(onCluster ? [onCluster] : [])]) await createSessions(target);

    const results: Results = new Map();
    for (let round = 0; round < ROUNDS; round++) {
      for (const scenario of SCENARIOS) {
        const runOn = [...targets, ...(scenario.cluster && onCluster ? [onCluster] : [])];
        // Rotate the order each round, so neither server always runs first after a pause.
        const order = runOn.map((_, i) => runOn[(i + round) % runOn.length]!);
        const byTarget = results.get(scenario) ?? new Map<Target, Measurement[]>();
        results.set(scenario, byTarget);
        for (const target of order) {
          const m = await measure(target, scenario);
          byTarget.set(target, [...(byTarget.get(target) ?? []), m]);
          process.stderr.write(
            `round ${round + 1}/${ROUNDS} ${scenario.mix} ${scenario.connections}×${scenario.inFlight} ${target.name}: ${kops(m.opsPerSecond)} ops/s, ${m.cpuPerRequest.toFixed(2)} µs/req\n`,
          );
        }
      }
    }
    printReport(results, { ours, reference, onCluster, baseline }, { seconds: SECONDS, rounds: ROUNDS });
  } finally {
    for (const stop of stops.reverse()) await stop();
    await cluster?.stop();
  }
}

await main();
