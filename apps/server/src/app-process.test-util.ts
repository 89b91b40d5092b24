// Running the built `nemesisdb` executable in tests: start it on a free port, read its JSON log
// lines, talk to it over WebSocket, and make sure it is stopped after each test.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { WebSocket } from 'ws';

export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
/** The test runner's environment without NEMESISDB_* settings, so only the given flags count. */
export const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NEMESISDB_')));

const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nemesisdb-app-'));
  dirs.push(dir);
  return dir;
}

export interface Started {
  child: ChildProcess;
  url: string;
  /** `http://host:port` of the same server. */
  http: string;
  lines: Record<string, unknown>[];
  exited: Promise<number | null>;
}

/** Starts the app; resolves once it listens (or rejects with its code and log lines when it exits first). */
export function start(args: string[], env: NodeJS.ProcessEnv = cleanEnv): Promise<Started> {
  const child = spawn(process.execPath, [CLI, '--host', '127.0.0.1', '--port', '0', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const lines: Record<string, unknown>[] = [];
  let buffered = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          lines.push(entry);
          if (entry.msg === 'listening') {
            const url = entry.url as string;
            resolve({ child, url, http: url.replace(/^ws/, 'http'), lines, exited });
          }
        } catch {
          // not JSON
        }
      }
    });
    void exited.then((code) => reject(Object.assign(new Error(`exited with ${code}: ${stderr}`), { code, lines, stderr })));
  });
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
