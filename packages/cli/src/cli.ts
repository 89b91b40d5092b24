#!/usr/bin/env node
// The `nemesisdb-cli` executable: runs the CLI on the process's streams and exits with its status.
import { run } from './program.js';

const interrupt = new AbortController();
let catching = false;
// Ctrl-C outside the prompt (which handles its own): --latency and --stat stop and print their
// figures (a second Ctrl-C ends them at once); anything else ends, as a shell expects.
process.on('SIGINT', () => {
  if (!catching || interrupt.signal.aborted) process.exit(130);
  interrupt.abort();
});
// `nemesisdb-cli … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

function fatal(error: unknown): never {
  // A message, never a stack trace (NEMESISDB_CLI_DEBUG=1 shows it, for a bug report).
  const detail = process.env.NEMESISDB_CLI_DEBUG
    ? ((error as Error)?.stack ?? String(error))
    : ((error as Error)?.message ?? String(error));
  process.stderr.write(`nemesisdb-cli: unexpected error: ${detail}\n`);
  process.exit(70);
}
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

run(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  interrupt: interrupt.signal,
  catchInterrupt: () => (catching = true),
}).then((code) => {
  process.exitCode = code;
  // Nothing should be left running, but a dangling socket must not keep the prompt waiting.
  setTimeout(() => process.exit(code), 1000).unref();
}, fatal);
