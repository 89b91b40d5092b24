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
