// Starts our server app (apps/server, built by turbo before this package's tests: turbo.json makes
// the test task depend on nemesisdb#build) as a child process on a free port, as a user would run it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopChild } from './child.test-util.js';

const CLI = fileURLToPath(new URL('../../../apps/server/dist/cli.js', import.meta.url));

export interface TestServer {
  readonly url: string;
  /** The persist path (a temporary directory removed by stop()), or null without persistence. */
  readonly persistPath: string | null;
  stop(): Promise<void>;
}

export async function startServer(options: { persist: boolean; args?: string[] }): Promise<TestServer> {
  const persistPath = options.persist ? mkdtempSync(join(tmpdir(), 'nemesisdb-conformance-')) : null;
  const args = [CLI, '--host', '127.0.0.1', '--port', '0', '--log-level', 'info', ...(options.args ?? [])];
  if (persistPath) args.push('--persist-enabled', '--persist-path', persistPath);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await listeningUrl(child);
    return { url, persistPath, stop: () => stop(child, persistPath) };
  } catch (error) {
    await stop(child, persistPath);
    throw error;
  }
}

/** Reads the JSON log lines until the "listening" one, which carries the URL. */
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start within 15 s: ${stderr}`)), 15_000);
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        try {
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === 'listening' && typeof entry.url === 'string') {
            clearTimeout(timer);
            resolve(entry.url);
          }
        } catch {
          // not a JSON line
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code}: ${stderr}`));
    });
  });
}

async function stop(child: ChildProcess, persistPath: string | null): Promise<void> {
  await stopChild(child, 10_000);
  if (persistPath) rmSync(persistPath, { recursive: true, force: true });
}
