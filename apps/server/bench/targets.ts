// The servers the load bench measures, each a separate process whose CPU time it reads: our app
// and C++ NemesisDB v0.7.4 (and, for floor.bench.ts, the least a Node server can do).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_CLI, freePort } from '@nemesisdb/test-utils';

const REFERENCE_START_TIMEOUT_MS = 15_000;

export interface Target {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  /** Session tokens created at start, which the session mix addresses. */
  tokens: string[];
  stop(): Promise<void>;
}

/**
 * Our built app with these flags. `nodeArgs` (e.g. `--cpu-prof`, or `--import` of a loader that
 * maps a package to an older build) go on Node's command line: Node 20 refuses --cpu-prof in
 * NODE_OPTIONS, which is why this does not start it through @nemesisdb/test-utils' startApp.
 */
export async function startOurs(name: string, extraArgs: string[] = [], nodeArgs = process.env.LOAD_SERVER_NODE_ARGS): Promise<Target> {
  const child = spawn(
    process.execPath,
    [...(nodeArgs?.split(' ').filter(Boolean) ?? []), APP_CLI, '--host', '127.0.0.1', '--port', '0', '--log-level', 'info', ...extraArgs],
    { stdio: ['ignore', 'pipe', 'inherit'], env: process.env },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /ws:\/\/127\.0\.0\.1:(\d+)/.exec(seen);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${seen}`)));
  });
  return { name, pid: child.pid!, port, tokens: [], stop: () => stopChild(child) };
}

/** C++ v0.7.4, with upstream's config file on a free port (it cannot bind port 0 itself). */
export async function startReference(bin: string): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'nemesisdb-bench-ref-'));
  mkdirSync(join(dir, 'data'));
  const port = await freePort();
  const file = join(dir, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({ version: 5, core: 0, ip: '127.0.0.1', port, maxPayload: 8192, persist: { enabled: false, path: join(dir, 'data') } }),
  );
  const child = spawn(bin, [`--config=${file}`], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  const stop = async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await listeningOn(port, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { name: 'C++ v0.7.4', pid: child.pid!, port, tokens: [], stop };
}

/**
 * node-floor-server.mjs, for floor.bench.ts: Node answering every request frame with one fixed
 * frame (`fixed`), or handing its frames straight to an engine (`engine`).
 */
export async function startNodeFloor(mode: 'fixed' | 'engine'): Promise<Target> {
  const script = fileURLToPath(new URL('./node-floor-server.mjs', import.meta.url));
  const child = spawn(process.execPath, [...(process.env.FLOOR_NODE_ARGS?.split(' ').filter(Boolean) ?? []), script, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /ws:\/\/127\.0\.0\.1:(\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`the Node floor server exited with ${code}`)));
  });
  const name = mode === 'fixed' ? 'Node floor' : 'Node floor + engine';
  return { name, pid: child.pid!, port, tokens: [], stop: () => stopChild(child) };
}

/** Waits until something accepts connections on `port` (the reference does not say when it listens). */
async function listeningOn(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + REFERENCE_START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the C++ reference exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`the C++ reference did not listen on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
