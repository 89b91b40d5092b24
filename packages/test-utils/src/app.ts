// The real `nemesisdb` app as a child process (never a mock), on 127.0.0.1, for end-to-end tests of
// the client, the CLI, the app itself and the other user-side packages. Their test tasks depend on
// the app's build through turbo (each lists `nemesisdb` as a devDependency).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const APP_CLI = fileURLToPath(new URL('../../../apps/server/dist/cli.js', import.meta.url));

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

export interface AppOptions {
  /** The app's `cli.js` to run: the workspace build (APP_CLI) unless a test runs another copy (e.g. one unpacked from its tarball). */
  cli?: string;
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Enables persistence rooted at this directory. */
  persistPath?: string;
  /** Serve the web console (default true; tests that do not need it skip its files). */
  console?: boolean;
  /** More command-line arguments (after the ones above, so they win). */
  args?: string[];
  /**
   * Environment on top of the test runner's, less its NEMESISDB_* variables (so only what a
   * test says counts).
   */
  env?: Record<string, string>;
}

export interface App {
  readonly url: string;
  /** `http(s)://127.0.0.1:<port>`: /health, /metrics, the console. */
  readonly http: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Every JSON log line so far (more arrive while it runs). */
  readonly lines: Record<string, unknown>[];
  /** Its exit code once it has exited (null after a signal). */
  readonly exited: Promise<number | null>;
  /** SIGTERM (graceful: connections are closed with 1001), then waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: connections break without a close frame. */
  kill(): Promise<void>;
  /** SIGSTOP: the server stops reading and answering (requests stay in flight). */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
}

/** The app exited before it listened (a refused config, a damaged journal…): its code and log. */
export class AppExitedError extends Error {
  constructor(
    readonly code: number | null,
    readonly lines: Record<string, unknown>[],
    readonly output: string,
  ) {
    super(`nemesisdb exited before listening (code ${code}); its output:\n${output}`);
  }
}

const running = new Set<ChildProcess>();

// Whatever happens to a test run, no server outlives it.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  // A paused server cannot act on SIGTERM; SIGKILL needs no SIGCONT, and must not get one: between
  // the two, a paused server would run and answer the requests it holds.
  if (signal !== 'SIGKILL') child.kill('SIGCONT');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exitOf(child);
  clearTimeout(timer);
  running.delete(child);
}

const withoutOwnSettings = () => Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NEMESISDB_')));

/** Starts the app and resolves once its log says it is listening (rejects with `AppExitedError` if it exits first). */
export async function startApp(options: AppOptions = {}): Promise<App> {
  const cli = options.cli ?? APP_CLI;
  if (!existsSync(cli)) {
    throw new Error(`the nemesisdb app is not built (${cli} is missing): run \`pnpm turbo run build --filter=nemesisdb\``);
  }
  const args = [cli, '--host', '127.0.0.1', '--port', String(options.port ?? 0), '--log-level', 'info'];
  if (options.persistPath !== undefined) args.push('--persist-enabled', '--persist-path', options.persistPath);
  if (options.console === false) args.push('--no-console');
  args.push(...(options.args ?? []));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...withoutOwnSettings(), ...options.env } });
  running.add(child);
  const exited = exitOf(child);
  void exited.then(() => running.delete(child));

  const lines: Record<string, unknown>[] = [];
  /** Everything it printed until it listened (for the error when it does not). */
  let output = '';
  let listening = false;
  let partial = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nemesisdb did not log "listening" within ${START_TIMEOUT_MS} ms; its output:\n${output}`));
    }, START_TIMEOUT_MS);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      if (!listening) output += chunk;
    });
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      if (!listening) output += chunk;
      partial += chunk;
      let newline: number;
      while ((newline = partial.indexOf('\n')) >= 0) {
        const line = partial.slice(0, newline);
        partial = partial.slice(newline + 1);
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue; // not a log line
        }
        lines.push(entry);
        if (entry.msg === 'listening' && typeof entry.url === 'string') {
          listening = true;
          clearTimeout(timer);
          resolve(entry.url);
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new AppExitedError(code, lines, output));
    });
  });
  return {
    url,
    http: url.replace(/^ws/, 'http'),
    port: Number(new URL(url).port),
    child,
    lines,
    exited,
    stop: () => terminate(child, 'SIGTERM'),
    kill: () => terminate(child, 'SIGKILL'),
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
  };
}

/** Stops every app this process started (for afterAll/afterEach). */
export async function stopAllApps(): Promise<void> {
  await Promise.all([...running].map((child) => terminate(child, 'SIGKILL')));
}
