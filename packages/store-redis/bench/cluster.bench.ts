// The cluster store under load, next to the embedded (in-memory) store in the same run: ops/s and
// latency percentiles of a session workload (SH_SET and SH_GET on each connection's own session,
// several requests in flight per connection) against
//   - one server with the in-memory store,
//   - one server on a Redis Cluster (3 masters, 3 replicas, on this machine),
//   - two servers on that cluster, the connections split between them.
// Servers run in their own processes (bench/server-process.ts); Redis on loopback. On a small
// machine all of them share its cores with the load generator: read the figures as relative.
// Run with `pnpm bench` (BENCH_SECONDS per row, default 4).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { RedisCluster, findRedis, REDIS_INSTALL_HINT } from '../src/testing.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const WARMUP_SECONDS = 1;
/** Unloaded (one request at a time: the cost of one command) and loaded. */
const LOADS = [
  { connections: 1, inFlight: 1 },
  { connections: 16, inFlight: 16 },
] as const;
type Load = (typeof LOADS)[number];
const SERVER_SCRIPT = fileURLToPath(new URL('./server-process.ts', import.meta.url));

interface Row {
  store: string;
  servers: number;
  load: Load;
  opsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
}

async function startServerProcess(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER_SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /ws:\/\/[^\s]+/.exec(seen);
      if (match) resolve(match[0]);
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { child, url };
}

async function stopServerProcess(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** One connection: creates its session, then keeps `inFlight` requests going until `until`. */
async function drive(url: string, inFlight: number, until: { measureFrom: number; stopAt: number }, latencies: number[]): Promise<number> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const sentAt: number[] = [];
  let counted = 0;
  let replies = 0;
  let token = '';
  await new Promise<void>((resolve) => {
    ws.once('message', (data) => {
      token = /"tkn":(\d+)/.exec(String(data))![1]!;
      resolve();
    });
    ws.send('{"SH_NEW":{"expiry":{"duration":600,"deleteSession":true}}}');
  });
  let sent = 0;
  const request = () => {
    const n = sent++;
    sentAt.push(performance.now());
    ws.send(n % 2 === 0 ? `{"SH_SET":{"tkn":${token},"keys":{"k${n % 8}":${n}}}}` : `{"SH_GET":{"tkn":${token},"keys":["k${n % 8}"]}}`);
  };
  return new Promise<number>((resolve) => {
    ws.on('message', () => {
      const now = performance.now();
      const started = sentAt[replies++]!;
      if (started >= until.measureFrom && now <= until.stopAt) {
        counted++;
        latencies.push(now - started);
      }
      if (now < until.stopAt) request();
      else if (replies === sent) {
        ws.close();
        resolve(counted);
      }
    });
    for (let i = 0; i < inFlight; i++) request();
  });
}

async function measure(store: string, urls: string[], load: Load): Promise<Row> {
  const start = performance.now();
  const until = { measureFrom: start + WARMUP_SECONDS * 1000, stopAt: start + (WARMUP_SECONDS + SECONDS) * 1000 };
  const latencies: number[] = [];
  const counts = await Promise.all(
    Array.from({ length: load.connections }, (_, i) => drive(urls[i % urls.length]!, load.inFlight, until, latencies)),
  );
  const total = counts.reduce((a, b) => a + b, 0);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { store, servers: urls.length, load, opsPerSecond: total / SECONDS, p50: at(0.5), p99: at(0.99), max: latencies.at(-1) ?? NaN };
}

function print(rows: Row[]): void {
  console.log(`\nsession workload (SH_SET/SH_GET on each connection's session), ${SECONDS} s per row:\n`);
  console.log('| store | servers | connections × in flight | ops/s | p50 ms | p99 ms | max ms |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    const ms = (value: number) => value.toFixed(2);
    console.log(
      `| ${row.store} | ${row.servers} | ${row.load.connections} × ${row.load.inFlight} | ${Math.round(row.opsPerSecond).toLocaleString('en-US')} | ${ms(row.p50)} | ${ms(row.p99)} | ${ms(row.max)} |`,
    );
  }
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const memory = await startServerProcess(['--store', 'memory']);
  try {
    for (const load of LOADS) rows.push(await measure('memory (embedded)', [memory.url], load));
  } finally {
    await stopServerProcess(memory.child);
  }

  const tools = findRedis();
  if (tools === undefined) {
    print(rows);
    console.log(`\ncluster rows skipped: redis-server is not installed (${REDIS_INSTALL_HINT})`);
    return;
  }
  const cluster = await RedisCluster.start(tools);
  try {
    const nodes = cluster.seeds.map((seed) => `${seed.host}:${seed.port}`).join(',');
    for (const count of [1, 2]) {
      const prefix = `bench${count}:`;
      const servers = await Promise.all(
        Array.from({ length: count }, () => startServerProcess(['--store', 'redis', '--nodes', nodes, '--prefix', prefix])),
      );
      try {
        // One server: both loads; two servers: the loaded one (what a second server adds).
        for (const load of count === 1 ? LOADS : LOADS.slice(1)) {
          rows.push(
            await measure(
              'Redis Cluster (3 masters)',
              servers.map((server) => server.url),
              load,
            ),
          );
        }
      } finally {
        await Promise.all(servers.map((server) => stopServerProcess(server.child)));
      }
    }
  } finally {
    await cluster.stop();
  }
  print(rows);
}

await main();
