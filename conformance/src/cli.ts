#!/usr/bin/env node
// The `nemesisdb-conformance` executable; the program itself is in cli-program.ts.
import { runCli } from './cli-program.js';

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
