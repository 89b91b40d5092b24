// Running the built `nemesisdb` executable in tests (started through @nemesisdb/test-utils): on a
// free port, its JSON log lines, a WebSocket client, and everything stopped after each test.
import { spawn, type ChildProcess } from 'node:child_process';
import { APP_CLI, startApp, stopAllApps, type App } from '@nemesisdb/test-utils';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { WebSocket } from 'ws';

export const CLI = APP_CLI;
/** The test runner's environment without NEMESISDB_* settings, so only the given flags count. */
export const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NEMESISDB_')));

const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await stopAllApps();
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nemesisdb-app-'));
  dirs.push(dir);
  return dir;
}

export type Started = App;

/** Starts the app with these flags; resolves once it listens (rejects with its code and log lines when it exits first). */
export function start(args: string[], env?: Record<string, string>): Promise<Started> {
  return startApp({ args, env });
}

/** Runs the executable to completion (e.g. a check command): its exit code and output. */
export function runToEnd(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: cleanEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** A client that pipelines requests and collects replies in order. */
export async function connect(url: string) {
  const ws = new WebSocket(url);
  const replies: string[] = [];
  let wake: (() => void) | null = null;
  let closed: { code: number; reason: string } | null = null;
  ws.on('message', (data) => {
    replies.push(data.toString());
    wake?.();
  });
  ws.on('close', (code, reason) => {
    closed = { code, reason: reason.toString() };
    wake?.();
  });
  ws.on('error', () => {});
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const take = async (count: number) => {
    while (replies.length < count && closed === null) await new Promise<void>((resolve) => (wake = resolve));
    return replies.splice(0, count);
  };
  return {
    ws,
    /** Sends every request, then waits for as many replies (fewer if the server closes). */
    async send(...requests: string[]): Promise<string[]> {
      for (const request of requests) ws.send(request);
      return take(requests.length);
    },
    /** How the server closed the connection, once it has. */
    get closed() {
      return closed;
    },
    close: () => ws.close(),
  };
}
