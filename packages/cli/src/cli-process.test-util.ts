// Test support: the built `nemesisdb-cli` (dist/cli.js, shebang and all) as a child process.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  input?: string;
  env?: Record<string, string>;
  /** Kill the CLI after this long (it must have finished by then). Default 20 s. */
  timeoutMs?: number;
  /** Called once the CLI has started, e.g. to act on the server while it runs. */
  started?: (stop: () => void) => void;
  /** Called with everything the CLI has written so far (stdout then stderr), on each write. */
  onOutput?: (stdout: string, stderr: string) => void;
}

/** Runs the CLI to its end and collects its output; stdin gets `input` (or nothing). */
export function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  if (!existsSync(CLI)) throw new Error(`the CLI is not built (${CLI} is missing): run \`pnpm --filter @nemesisdb/cli build\``);
  return runScript(CLI, args, options);
}

/** Runs a Node script (e.g. a packed copy of the CLI) to its end, as {@link runCli} runs the CLI. */
export function runScript(script: string, args: readonly string[], options: CliRunOptions & { cwd?: string } = {}): Promise<CliRun> {
  // Plain output, as in a script: no terminal, no colour unless a test asks for it.
  const env: NodeJS.ProcessEnv = { ...process.env, NEMESISDB_CLI_HISTORY: '', ...options.env };
  delete env.FORCE_COLOR;
  if (options.env?.FORCE_COLOR !== undefined) env.FORCE_COLOR = options.env.FORCE_COLOR;
  const child = spawn(process.execPath, [script, ...args], { env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    options.onOutput?.(stdout, stderr);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    options.onOutput?.(stdout, stderr);
  });
  child.stdin.on('error', () => {}); // a CLI that exits before reading all of it
  child.stdin.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  options.started?.(() => child.kill('SIGINT'));
  return new Promise((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A stack trace in output: what a user must never see. */
export const STACK_TRACE = /\n\s+at .+:\d+:\d+\)?/;

/** A Node script left running (e.g. a packed server), once its output matched. */
export interface RunningScript {
  /** Everything it wrote so far, stdout then stderr. */
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves once it exited. */
  stop(): Promise<void>;
}

/** Starts a Node script and resolves once its output matches `until` (rejects if it exits first or takes 20 s). */
export function startScript(script: string, args: readonly string[], options: { cwd?: string; until: RegExp }): Promise<RunningScript> {
  const child = spawn(process.execPath, [script, ...args], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running: RunningScript = {
    output: () => stdout + stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void running.stop();
      reject(new Error(`${script} did not print ${String(options.until)} within 20 s: ${running.output()}`));
    }, 20_000);
    const check = () => {
      if (!options.until.test(running.output())) return;
      clearTimeout(timer);
      resolve(running);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      check();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      check();
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${script} exited before printing ${String(options.until)}: ${running.output()}`));
    });
  });
}
