// The composite GitHub Action (conformance/action.yml), run the way a runner runs it but without
// GitHub: its steps' scripts under bash, with the env a runner builds from the inputs (each
// `${{ inputs.x }}` replaced by the input's value or default, `${{ github.action_path }}` by this
// folder), GITHUB_STEP_SUMMARY and GITHUB_OUTPUT as temp files, and `npx` a PATH shim that runs the
// built CLI — against our real server app.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { npxShim, runBash, type Shim } from './testing/ci.test-util.js';
import { startServer, type TestServer } from './testing/server.test-util.js';
import { testCertificate } from '@nemesisdb/test-utils';

const ACTION_DIR = fileURLToPath(new URL('..', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ACTION_DIR, 'package.json'), 'utf8')) as { version: string }).version;

interface ActionInput {
  description?: string;
  required?: boolean;
  default?: string;
}
interface Action {
  name: string;
  description: string;
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: { id?: string; shell?: string; run?: string; uses?: string; env?: Record<string, string> }[] };
}

const action = parse(readFileSync(join(ACTION_DIR, 'action.yml'), 'utf8')) as Action;
const EXPRESSION = /\$\{\{\s*([^}]*?)\s*\}\}/g;

/** The value of one `${{ }}` expression, as the runner evaluates the two kinds the action uses. */
function evaluate(expression: string, inputs: Record<string, string>): string {
  const input = /^inputs\.([A-Za-z0-9_-]+)$/.exec(expression);
  if (input) {
    const name = input[1]!;
    const declared = action.inputs[name];
    if (!declared) throw new Error(`action.yml uses undeclared input ${name}`);
    return inputs[name] ?? declared.default ?? '';
  }
  if (expression === 'github.action_path') return ACTION_DIR.replace(/\/$/, '');
  throw new Error(`action.yml uses an expression this test does not emulate: ${expression}`);
}

let server: TestServer;
let shim: Shim;
let work: string;
const token = 'a-long-enough-secret-token-for-ci';

interface ActionRun {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: string;
  outputs: Record<string, string>;
  /** The job's working directory (relative paths are in it). */
  cwd: string;
}

/** Runs every step as a runner would; stops at the first failing step, like a job. */
async function runAction(inputs: Record<string, string>): Promise<ActionRun> {
  for (const [name, input] of Object.entries(action.inputs)) {
    if (input.required && !inputs[name]) throw new Error(`input ${name} is required`);
  }
  const dir = mkdtempSync(join(work, 'run-'));
  const summaryFile = join(dir, 'step-summary.md');
  const outputFile = join(dir, 'github-output');
  writeFileSync(summaryFile, '');
  writeFileSync(outputFile, '');
  let last = { code: 0 as number | null, stdout: '', stderr: '' };
  for (const step of action.runs.steps) {
    const env: Record<string, string> = {
      GITHUB_ACTIONS: 'true',
      GITHUB_ACTION_PATH: ACTION_DIR,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_OUTPUT: outputFile,
      // Not this process's: the action decides what reaches the CLI.
      NEMESISDB_TOKEN: '',
    };
    for (const [name, value] of Object.entries(step.env ?? {}))
      env[name] = value.replace(EXPRESSION, (_, expression: string) => evaluate(expression, inputs));
    last = await runBash(step.run ?? '', env, shim, dir);
    if (last.code !== 0) break;
  }
  const outputs = Object.fromEntries(
    readFileSync(outputFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return { ...last, summary: readFileSync(summaryFile, 'utf8'), outputs, cwd: dir };
}

// The cases the built CLI carries (dist/corpus.json), which is what the action runs.
const shipped = (JSON.parse(readFileSync(join(ACTION_DIR, 'dist', 'corpus.json'), 'utf8')) as { cases: { id: string; tags: string[] }[] })
  .cases;
const upstreamOnly = shipped.filter((c) => c.tags.includes('v0.7.4-only'));

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'nemesisdb-conformance-action-'));
  testCertificate(work);
  writeFileSync(join(work, 'tokens'), token);
  server = await startServer({
    persist: true,
    args: ['--tls-cert', join(work, 'cert.pem'), '--tls-key', join(work, 'key.pem'), '--auth-token-file', join(work, 'tokens')],
  });
  shim = npxShim();
  // Our server differs from v0.7.4 exactly where the v0.7.4-only cases pin upstream's answers.
  writeFileSync(join(work, 'expect-fail.txt'), upstreamOnly.map((c) => `${c.id}  # we deliberately differ here`).join('\n'));
  writeFileSync(join(work, 'skip.txt'), 'commands/sh-count.md#count-keys  # skipped on this runner\n');
});

afterAll(async () => {
  await server?.stop();
  shim?.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('action.yml', () => {
  it('is a composite action with the documented inputs, and its scripts never interpolate an input', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs)).toEqual(
      expect.arrayContaining([
        'url',
        'profile',
        'token',
        'ca',
        'skip-file',
        'expect-fail',
        'junit',
        'version',
        'max-payload',
        'persistence',
        'report-md',
      ]),
    );
    expect(action.inputs['url']?.required).toBe(true);
    for (const [name, input] of Object.entries(action.inputs)) expect(input.description, name).toBeTruthy();
    for (const step of action.runs.steps) {
      expect(step.shell).toBe('bash');
      // Expressions inside `run:` would be pasted into the script as code (script injection).
      expect(step.run ?? '').not.toMatch(EXPRESSION);
      expect(step.run ?? '').toContain('npx -y "@nemesisdb/conformance@$version"');
    }
  });

  it('judges a wss:// server that needs a token: profile, settings, lists, JUnit, the step summary and outputs', async () => {
    const junit = join(work, 'conformance.xml');
    const run = await runAction({
      url: server.url,
      profile: 'v0.7.4',
      'max-payload': '1048576',
      token,
      ca: join(work, 'cert.pem'),
      'expect-fail': join(work, 'expect-fail.txt'),
      'skip-file': join(work, 'skip.txt'),
      tags: 'v0.7.4-only,SH_COUNT,!expiry',
      junit,
    });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    // The action ran the CLI version of its own package.json, and never put the token on a command line.
    const call = shim.lastCall();
    expect(call?.spec).toBe(VERSION);
    expect(call?.args.join(' ')).not.toContain(token);
    expect(call?.args).toEqual(
      expect.arrayContaining(['--profile', 'v0.7.4', '--max-payload', '1048576', '--reporter', 'junit', '--output', junit]),
    );

    const counts = new RegExp(`^(\\d+) passed, 0 failed, 1 skipped, ${upstreamOnly.length} failed as expected`, 'm').exec(run.stdout);
    expect(counts, run.stdout).not.toBeNull();
    const passed = Number(counts?.[1]);
    expect(passed).toBeGreaterThanOrEqual(1);
    expect(run.summary).toMatch(/^## NemesisDB conformance: ✅ compatible \(profile `v0.7.4`\)/);
    expect(run.summary).toContain('Settings: maxPayload 1048576 (--max-payload), persistence on (SV_INFO).');
    expect(run.summary).toContain(`### Expected failures (${upstreamOnly.length})`);
    expect(run.summary).toContain('skipped on this runner (1): `commands/sh-count.md#count-keys`');
    expect(run.summary).not.toContain(token);
    expect(run.outputs['report-md']).toBe('conformance-report.md');
    expect(readFileSync(join(run.cwd, 'conformance-report.md'), 'utf8').trim()).toBe(run.summary.trim());
    expect(run.outputs['exit-code']).toBe('0');
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain(`tests="${passed + upstreamOnly.length + 1}" failures="0" skipped="${upstreamOnly.length + 1}"`);
  });

  it('fails the step, exit code 1, when a case fails — and when a listed expected failure passes', async () => {
    const base = {
      url: server.url,
      profile: 'v0.7.4',
      'max-payload': '1048576',
      token,
      ca: join(work, 'cert.pem'),
      tags: 'v0.7.4-only,SH_COUNT,!expiry',
    };
    const failing = await runAction(base);
    expect(failing.code).toBe(1);
    expect(failing.outputs['exit-code']).toBe('1');
    expect(failing.summary).toMatch(/^## NemesisDB conformance: ❌ not compatible/);
    expect(failing.summary).toContain(`### Failures (${upstreamOnly.length})`);

    writeFileSync(join(work, 'stale.txt'), 'commands/sh-count.md#count-keys  # fixed long ago\n');
    const stale = await runAction({ ...base, tags: 'SH_COUNT,!expiry', 'expect-fail': join(work, 'stale.txt') });
    expect(stale.code).toBe(1);
    expect(stale.summary).toContain('passed, but listed as an expected failure');
  });

  it('exits 2 with a short summary when the server cannot be judged (no token)', async () => {
    const run = await runAction({ url: server.url, ca: join(work, 'cert.pem'), tags: 'SH_COUNT,!expiry' });
    expect(run.code).toBe(2);
    expect(run.outputs['exit-code']).toBe('2');
    expect(run.summary).toContain('## NemesisDB conformance: ⚠️ could not run');
    expect(run.summary).toContain('HTTP 401');
  });
});
