// Test support: the real `nemesisdb` app as a child process (never a mock), on 127.0.0.1 — the
// pattern of packages/client/src/app-server.test-util.ts, plus a chosen port (to restart a server
// where a client expects it) and extra environment (NEMESISDB_AUTH_TOKEN).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The app's CLI, built by turbo before these tests (the test task depends on the builds of dependencies). */
export const APP_CLI = fileURLToPath(new URL('../../../apps/server/dist/cli.js', import.meta.url));

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

export interface AppOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  args?: string[];
  env?: Record<string, string>;
}

export interface App {
  readonly url: string;
  readonly port: number;
  /** SIGTERM (graceful: connections are closed with 1001), then waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: connections break without a close frame. */
  kill(): Promise<void>;
  /** SIGSTOP: the server stops answering; requests stay in flight. */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
}

const running = new Set<ChildProcess>();

process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGCONT');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited(child);
  clearTimeout(timer);
  running.delete(child);
}

/** Starts the app and resolves once its log says it is listening. */
export async function startApp(options: AppOptions = {}): Promise<App> {
  if (!existsSync(APP_CLI)) {
    throw new Error(`the nemesisdb app is not built (${APP_CLI} is missing): run \`pnpm turbo run build --filter=nemesisdb\``);
  }
  // --no-console: the CLI's tests do not need the web console's files (nor a rebuild of them).
  const args = [APP_CLI, '--host', '127.0.0.1', '--port', String(options.port ?? 0), '--log-level', 'info', '--no-console', ...(options.args ?? [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  running.add(child);
  child.once('exit', () => running.delete(child));

  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`nemesisdb ${why}; its output:\n${output}`));
    };
    const timer = setTimeout(() => fail(`did not log "listening" within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      for (const line of output.split('\n')) {
        if (!line.includes('"msg":"listening"')) continue;
        const match = /"url":"(wss?:\/\/127\.0\.0\.1:\d+)"/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
          return;
        }
      }
    });
    child.once('exit', (code, signal) => fail(`exited before listening (code ${code}, signal ${signal})`));
  });
  child.stdout!.resume();
  return {
    url,
    port: Number(new URL(url).port),
    stop: () => terminate(child, 'SIGTERM'),
    kill: () => terminate(child, 'SIGKILL'),
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
  };
}

/** Stops every app this process started. */
export async function stopAllApps(): Promise<void> {
  await Promise.all([...running].map((child) => terminate(child, 'SIGKILL')));
}
