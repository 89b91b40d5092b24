// Running CI configuration as a CI runner would, without the runner: scripts under bash with the
// runner's environment, and `npx` replaced by a shim on PATH that runs this checkout's built CLI
// (dist/cli.js) instead of downloading @nemesisdb/conformance, recording what it was asked for.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { finished, type ChildRun } from './child.test-util.js';

export const BUILT_CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface Shim {
  /** Directory to put first on PATH. */
  readonly bin: string;
  /** What the last `npx` call was given: the package spec and the CLI's arguments. */
  lastCall(): { readonly spec: string; readonly args: readonly string[] } | null;
  remove(): void;
}

/** An `npx` that accepts only `npx -y @nemesisdb/conformance@<spec> …` and runs the local CLI with the rest. */
export function npxShim(): Shim {
  const bin = mkdtempSync(join(tmpdir(), 'nemesisdb-conformance-shim-'));
  const calls = join(bin, 'calls.json');
  const script = `#!/usr/bin/env node
const { spawnSync } = require('node:child_process');
const { writeFileSync } = require('node:fs');
const [flag, spec, ...args] = process.argv.slice(2);
if (flag !== '-y' || !/^@nemesisdb\\/conformance@\\S+$/.test(spec ?? '')) {
  process.stderr.write('npx shim: expected "npx -y @nemesisdb/conformance@<version> ...", got: ' + process.argv.slice(2).join(' ') + '\\n');
  process.exit(97);
}
writeFileSync(${JSON.stringify(calls)}, JSON.stringify({ spec: spec.slice('@nemesisdb/conformance@'.length), args }));
const run = spawnSync(process.execPath, [${JSON.stringify(BUILT_CLI)}, ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);
`;
  writeFileSync(join(bin, 'npx'), script);
  chmodSync(join(bin, 'npx'), 0o755);
  return {
    bin,
    lastCall() {
      try {
        return JSON.parse(readFileSync(calls, 'utf8')) as { spec: string; args: string[] };
      } catch {
        return null;
      }
    },
    remove: () => rmSync(bin, { recursive: true, force: true }),
  };
}

/**
 * Runs a script as GitHub's `shell: bash` does (`bash --noprofile --norc -eo pipefail FILE`),
 * with `env` on top of this process's environment and the shim first on PATH.
 */
export function runBash(script: string, env: Record<string, string>, shim: Shim, cwd: string): Promise<ChildRun> {
  const file = join(cwd, `step-${Date.now()}-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(file, script);
  const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
    cwd,
    env: { ...process.env, ...env, PATH: `${shim.bin}${delimiter}${process.env['PATH'] ?? ''}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return finished(child);
}
