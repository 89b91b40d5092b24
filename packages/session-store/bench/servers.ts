// The two servers the session-store benches measure against, started fresh for a run: our
// `nemesisdb` app (in-memory store, through test-utils' startApp) and a local redis-server on a
// free loopback port.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startApp } from '@nemesisdb/test-utils';

export { benchMachine, cpuSeconds } from '@nemesisdb/test-utils';

export interface Servers {
  nemesisUrl: string;
  redisPort: number;
  /** Process ids, for their CPU time (undefined for a server given by BENCH_NEMESISDB_URL). */
  nemesisPid: number | undefined;
  redisPid: number;
  stop(): Promise<void>;
}

/**
 * Starts redis-server (no persistence) and our app. BENCH_NEMESISDB_URL measures a server you
 * started yourself (e.g. with --cpu-prof) instead of a fresh one.
 */
export async function startServers(): Promise<Servers> {
  const directory = mkdtempSync(join(tmpdir(), 'nemesisdb-session-bench-'));
  const redisPort = await freePort();
  const redis = await startRedis([
    '--port',
    String(redisPort),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    directory,
  ]);
  const given = process.env.BENCH_NEMESISDB_URL;
  const nemesis = given === undefined ? await startApp({ console: false }) : undefined;
  return {
    nemesisUrl: given ?? nemesis!.url,
    redisPort,
    nemesisPid: nemesis?.child.pid,
    redisPid: redis.pid!,
    stop: async () => {
      await nemesis?.stop();
      await stop(redis);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Starts redis-server and resolves once it accepts connections. */
function startRedis(args: string[]): Promise<ChildProcess> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!/Ready to accept connections/.test(output)) return;
      clearTimeout(timer);
      child.stdout!.resume();
      child.stderr!.resume();
      resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
