// One request in flight, against the least a Node server can do: how much of a lone request's
// server CPU is Node's own, how much the engine's, and how much the transport's (ws and the server
// package). Measured in interleaved rounds on one connection with one KV_GET in flight: our app,
// C++ NemesisDB v0.7.4 (when NDB_REF_BIN names its binary), and node-floor-server.mjs twice — a
// Node process that answers every socket read with one fixed frame (the handshake by hand; no ws,
// no parsing), and the same handing each frame straight to an Engine. The table splits each
// server's CPU per request (/proc/PID/stat: the total is exact, its split into user space and kernel
// is from 10 ms ticks, so statistical, hence the rounds).
//
// FLOOR_CONNECTIONS × FLOOR_IN_FLIGHT (default 1 × 1) sets the same servers against each other with
// requests pipelined, e.g. 1 × 8: whether Node's own floor is above C++ there too. FLOOR_KEYS
// (default 64) is how many keys the KV_GETs cycle through: 10,000 shows what a larger data set
// costs each server. FLOOR_NODE_ARGS passes Node arguments to the two Node floor servers (e.g.
// `--cpu-prof --cpu-prof-dir=DIR`; LOAD_SERVER_NODE_ARGS does so for ours).
//
//   node --import tsx bench/floor.bench.ts   (after `pnpm build`; env: NDB_REF_BIN, FLOOR_ROUNDS, FLOOR_SECONDS,
//   FLOOR_CONNECTIONS, FLOOR_IN_FLIGHT, FLOOR_KEYS, FLOOR_NODE_ARGS)
import { benchMachine, cpuTimes } from '@nemesisdb/test-utils';
import { LoadConnection } from './load-connection.js';
import { textFrame } from './raw-websocket.js';
import { kops, median } from './report.js';
import { startNodeFloor, startOurs, startReference, type Target } from './targets.js';

const ROUNDS = Number(process.env.FLOOR_ROUNDS ?? 7);
const SECONDS = Number(process.env.FLOOR_SECONDS ?? 3);
const KEYS = Number(process.env.FLOOR_KEYS ?? 64);
const CONNECTIONS = Number(process.env.FLOOR_CONNECTIONS ?? 1);
const IN_FLIGHT = Number(process.env.FLOOR_IN_FLIGHT ?? 1);

interface Round {
  opsPerSecond: number;
  /** CPU µs per request. */
  user: number;
  system: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(target: Target, frames: Buffer[]): Promise<Round> {
  const connections = await Promise.all(Array.from({ length: CONNECTIONS }, () => LoadConnection.open(target.port)));
  for (const connection of connections) connection.run(frames, IN_FLIGHT);
  const replied = () => connections.reduce((sum, connection) => sum + connection.replies, 0);
  await sleep(1000); // warm-up
  const repliesBefore = replied();
  const before = cpuTimes(target.pid);
  const started = performance.now();
  await sleep(SECONDS * 1000);
  const replies = replied() - repliesBefore;
  const after = cpuTimes(target.pid);
  const elapsed = (performance.now() - started) / 1000;
  for (const connection of connections) {
    connection.stop();
    connection.close();
  }
  await sleep(200);
  return {
    opsPerSecond: replies / elapsed,
    user: ((after.user - before.user) / replies) * 1e6,
    system: ((after.system - before.system) / replies) * 1e6,
  };
}

async function main(): Promise<void> {
  const targets: Target[] = [];
  try {
    targets.push(await startOurs('ours'));
    if (process.env.NDB_REF_BIN) targets.push(await startReference(process.env.NDB_REF_BIN));
    targets.push(await startNodeFloor('fixed'));
    targets.push(await startNodeFloor('engine'));
    const keys = Array.from({ length: KEYS }, (_, i) => `key${i}`);
    for (const target of targets.filter((t) => t.name !== 'Node floor')) {
      // The same keys everywhere but on the fixed-reply floor, so that every KV_GET finds its key.
      const setup = await LoadConnection.open(target.port);
      await setup.requestAll(keys.map((key, i) => `{"KV_SET":{"keys":{"${key}":{"name":"user${i}","visits":${i}}}}}`));
      setup.close();
    }
    const frames = keys.map((key) => textFrame(`{"KV_GET":{"keys":["${key}"]}}`));
    const rounds = new Map<Target, Round[]>();
    for (let round = 0; round < ROUNDS; round++) {
      const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
      for (const target of order) {
        const measured = await measure(target, frames);
        rounds.set(target, [...(rounds.get(target) ?? []), measured]);
        process.stderr.write(
          `round ${round + 1}/${ROUNDS} ${target.name}: ${kops(measured.opsPerSecond)} ops/s, ${measured.user.toFixed(1)} + ${measured.system.toFixed(1)} µs/req\n`,
        );
      }
    }
    console.log(
      `\n${CONNECTIONS === 1 && IN_FLIGHT === 1 ? 'One connection, one KV_GET in flight' : `${CONNECTIONS} connection(s) × ${IN_FLIGHT} KV_GET in flight`} over ${KEYS} keys; ${benchMachine()}; medians of ${ROUNDS} interleaved rounds of ${SECONDS} s (each column's own median)\n`,
    );
    console.log('| server | ops/s | CPU µs/req | of which user | system |');
    console.log('|---|---:|---:|---:|---:|');
    for (const target of targets) {
      const measured = rounds.get(target)!;
      const column = (pick: (r: Round) => number) => median(measured.map(pick));
      console.log(
        `| ${target.name} | ${kops(column((r) => r.opsPerSecond))} | ${column((r) => r.user + r.system).toFixed(1)} | ${column((r) => r.user).toFixed(1)} | ${column((r) => r.system).toFixed(1)} |`,
      );
    }
  } finally {
    for (const target of targets) await target.stop();
  }
}

await main();
