// The store calls alone, without Express: USERS loops each doing what express-session does for a
// request that changes its session (get, then set), with NemesisStore on our server and with
// connect-redis on a local redis-server. Beside the calls per second it reports the CPU each side
// spends per get + set — this process (the store and its client library) and the database server
// — which is what decides the Express bench on a machine whose cores the web app needs too.
//
//   pnpm --filter @nemesisdb/session-store bench    (env: BENCH_SECONDS, BENCH_USERS, BENCH_ROUNDS)
import { RedisStore } from 'connect-redis';
import type { Store } from 'express-session';
import { createClient } from 'redis';
import { NemesisStore, type StoredSession } from '../src/index.js';
import { total } from './rounds.js';
import { cpuSeconds, startServers } from './servers.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const USERS = Number(process.env.BENCH_USERS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

interface Round {
  calls: number;
  seconds: number;
  clientCpu: number;
  serverCpu: number;
}

/** A session as express-session hands it over after a request: a cookie, and the app's data. */
function webSession(count: number): StoredSession {
  return {
    cookie: { originalMaxAge: 3_600_000, expires: new Date(Date.now() + 3_600_000), httpOnly: true, path: '/' },
    count,
    cart: ['apple', 'pear'],
  };
}

type Promising = {
  get(sid: string): Promise<StoredSession | null>;
  set(sid: string, session: StoredSession): Promise<void>;
};

async function round(store: Promising, serverPid: number | undefined, seconds: number): Promise<Round> {
  const cpuBefore = process.cpuUsage();
  const serverBefore = serverPid === undefined ? 0 : cpuSeconds(serverPid);
  const started = performance.now();
  const end = started + seconds * 1000;
  let calls = 0;
  await Promise.all(
    Array.from({ length: USERS }, async (_, user) => {
      const sid = `bench-${user}-${Math.random().toString(36).slice(2)}`;
      await store.set(sid, webSession(0));
      while (performance.now() < end) {
        const session = (await store.get(sid))!;
        await store.set(sid, webSession((session.count as number) + 1));
        calls++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    calls,
    seconds: elapsed,
    clientCpu: (cpu.user + cpu.system) / 1e6,
    serverCpu: serverPid === undefined ? Number.NaN : cpuSeconds(serverPid) - serverBefore,
  };
}

/** connect-redis takes callbacks; express-session uses them so. */
function promising(store: Store): Promising {
  return {
    get: (sid) =>
      new Promise((resolve, reject) =>
        store.get(sid, (error, session) => (error ? reject(error as Error) : resolve((session ?? null) as StoredSession | null))),
      ),
    set: (sid, session) =>
      new Promise((resolve, reject) => store.set(sid, session as never, (error) => (error ? reject(error as Error) : resolve()))),
  };
}

async function main(): Promise<void> {
  const servers = await startServers();
  const redisClient = createClient({ url: `redis://127.0.0.1:${servers.redisPort}` });
  await redisClient.connect();
  const nemesisStore = new NemesisStore({ url: servers.nemesisUrl });
  try {
    await nemesisStore.ready();
    const stores: [string, Promising, number | undefined][] = [
      ['NemesisStore → nemesisdb', nemesisStore, servers.nemesisPid],
      [
        'connect-redis → redis-server',
        promising(new RedisStore({ client: redisClient, prefix: 'sess:' }) as unknown as Store),
        servers.redisPid,
      ],
    ];
    const results = new Map<string, Round[]>();
    for (const [, store, pid] of stores) await round(store, pid, 1); // warm-up
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, store, pid] of stores) results.set(name, [...(results.get(name) ?? []), await round(store, pid, SECONDS)]);
    }
    console.log(`\nStore calls alone: ${USERS} users, each a get then a set in a loop, ${ROUNDS} × ${SECONDS} s per store (alternating)\n`);
    console.log('| Store | get + set /s | this process CPU µs per get + set | server CPU µs per get + set |');
    console.log('|---|---:|---:|---:|');
    for (const [name] of stores) {
      const rounds = results.get(name)!;
      const calls = total(rounds, (r) => r.calls);
      const seconds = total(rounds, (r) => r.seconds);
      const client = total(rounds, (r) => r.clientCpu);
      const server = total(rounds, (r) => r.serverCpu);
      console.log(
        `| ${name} | ${Math.round(calls / seconds)} | ${((client / calls) * 1e6).toFixed(1)} | ${((server / calls) * 1e6).toFixed(1)} |`,
      );
    }
  } finally {
    await nemesisStore.close();
    await redisClient.quit();
    await servers.stop();
  }
}

await main();
