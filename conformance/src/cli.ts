#!/usr/bin/env node
// The `nemesisdb-conformance` executable; the program itself is in cli-program.ts.
import { runCli } from './cli-program.js';

// `nemesisdb-conformance … | head` closes the pipe early. That is no crash: the rest of the output
// has nowhere to go and is dropped, and the run goes on, so the exit status still says how it went
// (a CI job with `set -o pipefail` must still see a failure).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
