// Test support: the real `nemesisdb` app (test-utils' startApp) and the guide's example web apps as child processes
// (never mocks), on 127.0.0.1 with free ports; every process a test run starts is stopped.
import { spawn, type ChildProcess } from 'node:child_process';
import { startApp, stopAllApps } from '@nemesisdb/test-utils';

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

export interface Child {
  /** The URL it printed when ready. */
  readonly url: string;
  readonly process: ChildProcess;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it exited. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
  running.delete(child);
}

/** Spawns `args` and resolves with the first URL `pattern` finds in its output. */
async function spawnUntil(args: string[], pattern: RegExp, env: NodeJS.ProcessEnv = {}): Promise<Child> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} ${why}; its output:\n${output}`));
    };
    const timer = setTimeout(() => fail(`was not ready within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => fail(`exited before it was ready (code ${code}, signal ${signal})`));
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return { url, process: child, stop: () => stopChild(child) };
}

/** The nemesisdb app, with extra arguments (e.g. `--store redis …`, `--no-extensions`): test-utils' `startApp`. */
export async function startNemesis(args: string[] = []): Promise<Child> {
  const app = await startApp({ console: false, args });
  return { url: app.url, process: app.child, stop: app.stop };
}

/** A TypeScript file run with tsx, ready once it prints `listening on <url>`. */
export function startScript(file: string, env: NodeJS.ProcessEnv): Promise<Child> {
  return spawnUntil(['--import', 'tsx', file], /listening on (http:\/\/127\.0\.0\.1:\d+)/, env);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...[...running].map((child) => stopChild(child, 'SIGKILL')), stopAllApps()]);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
