// The two servers the session-store benches measure against, started fresh for a run: our
// `nemesisdb` app (in-memory store) and a local redis-server, each on a free loopback port.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const APP_CLI = fileURLToPath(new URL('../../../apps/server/dist/cli.js', import.meta.url));

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
  const redis = await start(
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', directory],
    /Ready to accept connections/,
  );
  const given = process.env.BENCH_NEMESISDB_URL;
  const nemesis =
    given === undefined
      ? await start(
          process.execPath,
          [APP_CLI, '--host', '127.0.0.1', '--port', '0', '--no-console'],
          /"url":"(ws:\/\/127\.0\.0\.1:\d+)"[^\n]*"msg":"listening"/,
        )
      : undefined;
  return {
    nemesisUrl: given ?? nemesis!.match[1]!,
    redisPort,
    nemesisPid: nemesis?.child.pid,
    redisPid: redis.child.pid!,
    stop: async () => {
      if (nemesis !== undefined) await stop(nemesis.child);
      await stop(redis.child);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** CPU seconds (user + system, all threads) a process has used so far, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Starts a process and resolves once its output matches `ready`. */
function start(command: string, args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${command} did not start: ${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout!.resume();
        child.stderr!.resume();
        resolve({ child, match });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}: ${output}`)));
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
