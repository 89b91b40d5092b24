// An Express app whose every request reads and rewrites its session (express-session, resave
// false: the session is modified, so each request is a store get then a set), measured with
// NemesisStore on our nemesisdb server and with connect-redis on a local redis-server, same
// machine, same run. Short rounds alternate between the two stores, their order swapped every
// round, and their ratio is taken within each round; the load is a bounded loop of keep-alive
// fetches, one in flight per simulated user. Beside requests/s and latency it reports the CPU per
// request of this process (the web app and the load generator) and of the database server.
//
//   pnpm --filter @nemesisdb/session-store bench    (env: BENCH_SECONDS, BENCH_USERS, BENCH_ROUNDS,
//   BENCH_NEMESISDB_URL)
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RedisStore } from 'connect-redis';
import express from 'express';
import session, { type Store } from 'express-session';
import { createClient } from 'redis';
import { NemesisStore } from '../src/index.js';
import { total } from './rounds.js';
import { benchMachine, cpuSeconds, startServers } from './servers.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const USERS = Number(process.env.BENCH_USERS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);

declare module 'express-session' {
  interface SessionData {
    count?: number;
    cart?: string[];
  }
}

/** The measured app: every request reads the session and writes it back changed. */
async function webApp(store: Store): Promise<{ url: string; server: HttpServer }> {
  const app = express();
  app.use(session({ store, secret: 'bench secret', resave: false, saveUninitialized: false, cookie: { maxAge: 3_600_000 } }));
  app.get('/', (req, res) => {
    req.session.count = (req.session.count ?? 0) + 1;
    req.session.cart ??= ['apple', 'pear'];
    res.json({ count: req.session.count });
  });
  const server = await new Promise<HttpServer>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  server.keepAliveTimeout = 60_000;
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

interface Result {
  requests: number;
  seconds: number;
  latencies: number[];
  errors: number;
  /** CPU seconds of this process (the web app and the load generator) over the measured loop. */
  cpu: number;
  /** CPU seconds of the database server over the measured loop. */
  serverCpu: number;
}

/** USERS loops, each one user (its own cookie) with one request in flight, for SECONDS. */
async function load(url: string, seconds: number, serverPid?: number): Promise<Result> {
  const cookies: string[] = [];
  // Log every user in first (the session is created then).
  for (let i = 0; i < USERS; i++) {
    const response = await fetch(url);
    await response.text();
    cookies.push(response.headers.getSetCookie()[0]!.split(';')[0]!);
  }
  const latencies: number[] = [];
  let errors = 0;
  const cpuBefore = process.cpuUsage();
  const serverBefore = serverPid === undefined ? 0 : cpuSeconds(serverPid);
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    cookies.map(async (cookie) => {
      while (performance.now() < end) {
        const t = performance.now();
        const response = await fetch(url, { headers: { cookie } });
        await response.text();
        if (response.status !== 200) errors++;
        latencies.push(performance.now() - t);
      }
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  return {
    requests: latencies.length,
    seconds: (performance.now() - started) / 1000,
    latencies,
    errors,
    cpu: (cpu.user + cpu.system) / 1e6,
    serverCpu: serverPid === undefined ? Number.NaN : cpuSeconds(serverPid) - serverBefore,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const servers = await startServers();
  const { nemesisUrl, redisPort } = servers;
  const redisClient = createClient({ url: `redis://127.0.0.1:${redisPort}` });
  await redisClient.connect();
  const nemesisStore = new NemesisStore({ url: nemesisUrl });
  await nemesisStore.ready();
  const stores: [string, Store, number | undefined][] = [
    ['NemesisStore → nemesisdb', nemesisStore as unknown as Store, servers.nemesisPid],
    ['connect-redis → redis-server', new RedisStore({ client: redisClient, prefix: 'sess:' }), servers.redisPid],
  ];
  const apps = await Promise.all(stores.map(([, store]) => webApp(store)));
  const results = new Map<string, Result[]>();
  try {
    // Warm-up of both (JIT, connections), then alternating rounds.
    for (const app of apps) await load(app.url, 1);
    // Short rounds, the order swapped every round (A B, B A, …): this machine's speed drifts by
    // ±20 % over tens of seconds, so the ratio of the two stores is taken within each round.
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) {
        const result = await load(apps[i]!.url, SECONDS, stores[i]![2]);
        results.set(stores[i]![0], [...(results.get(stores[i]![0]) ?? []), result]);
      }
    }
  } finally {
    for (const app of apps) {
      app.server.closeAllConnections();
      app.server.close();
    }
    await nemesisStore.close();
    await redisClient.quit();
    await servers.stop();
  }

  console.log(
    `\nExpress + express-session, every request a session read and write; ${USERS} users, one request in flight each, ${ROUNDS} rounds × ${SECONDS} s per store (order swapped each round); ${benchMachine()}\n`,
  );
  console.log('| Store | requests/s | p50 ms | p99 ms | web app + load CPU µs/request | database server CPU µs/request | errors |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [name] of stores) {
    const rounds = results.get(name)!;
    const requests = total(rounds, (r) => r.requests);
    const seconds = total(rounds, (r) => r.seconds);
    const sorted = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
    const errors = total(rounds, (r) => r.errors);
    const cpu = total(rounds, (r) => r.cpu);
    const serverCpu = total(rounds, (r) => r.serverCpu);
    console.log(
      `| ${name} | ${Math.round(requests / seconds)} | ${percentile(sorted, 50).toFixed(2)} | ${percentile(sorted, 99).toFixed(2)} | ${((cpu / requests) * 1e6).toFixed(0)} | ${((serverCpu / requests) * 1e6).toFixed(0)} | ${errors} |`,
    );
  }
  const rate = (r: Result) => r.requests / r.seconds;
  const [ours, theirs] = stores.map(([name]) => results.get(name)!);
  const ratios = ours!.map((r, i) => rate(r) / rate(theirs![i]!)).sort((a, b) => a - b);
  console.log(
    `\nNemesisStore ÷ connect-redis, requests/s within each round: median ${percentile(ratios, 50).toFixed(2)} (${ratios[0]!.toFixed(2)}–${ratios.at(-1)!.toFixed(2)} over ${ratios.length} rounds)`,
  );
}

await main();
