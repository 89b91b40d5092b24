// The built executable (dist/cli.js), as CI systems run it: exit codes, reporters, filters.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testCertificate } from '@nemesisdb/test-utils';
import { finished, type ChildRun } from './testing/child.test-util.js';
import { startServer, type TestServer } from './testing/server.test-util.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function cli(...args: string[]): Promise<ChildRun> {
  return cliWithEnv({}, ...args);
}

// A CI job running these tests has its own GITHUB_STEP_SUMMARY; the CLI under test must not write to it.
function cliWithEnv(env: Record<string, string>, ...args: string[]): Promise<ChildRun> {
  const { GITHUB_STEP_SUMMARY: _ignored, ...inherited } = process.env;
  return finished(spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...inherited, ...env } }));
}

/** Runs the CLI with a reader that closes its end of stdout after the first chunk, as `| head -1` does. */
function cliIntoClosedPipe(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  const { GITHUB_STEP_SUMMARY: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: inherited });
  child.stdout.once('data', () => child.stdout.destroy());
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

/** A docs page of `count` cases that each expect KV_COUNT to answer status 2 (a server answers 1). */
function wrongStatusPage(count: number): string {
  const lines = ['# Wrong', ''];
  for (let i = 1; i <= count; i++) {
    lines.push(`## Expects the wrong status${count === 1 ? '' : ` ${i}`}`, '', '```json request', '{"KV_COUNT":{}}', '```', '');
    lines.push('```json response', '{"KV_COUNT_RSP":{"cnt":"$_:uint","st":2}}', '```', '');
  }
  return lines.join('\n');
}

let server: TestServer;
let scratch: string;

beforeAll(async () => {
  server = await startServer({ persist: false });
  scratch = mkdtempSync(join(tmpdir(), 'nemesisdb-conformance-cli-'));
});

afterAll(async () => {
  await server?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** A file in the scratch folder with `text` (a skip or expect-fail list), by its path. */
function scratchFile(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}

const SUMMARY = /^(\d+) passed, (\d+) failed, (\d+) skipped \(\d+\.\d s\)$/m;

/** kv-get.md's four cases run with a skip or expect-fail list of `text`, and the summary's passed/failed/skipped counts. */
async function kvGetWithList(option: '--skip-file' | '--expect-fail', text: string): Promise<ChildRun & { counts: string[] | undefined }> {
  const run = await cli(server.url, '--only', 'commands/kv-get.md', option, scratchFile(`${option.slice(2)}.txt`, text));
  return { ...run, counts: SUMMARY.exec(run.stdout)?.slice(1, 4) };
}

describe('nemesisdb-conformance', () => {
  it('runs the shipped corpus with progress and the summary line, exit 0', async () => {
    const run = await cli(server.url, '--only', 'commands/sh-count.md');
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toContain('writes to the server');
    expect(run.stdout).toMatch(/\[1\/2\] ✓ commands\/sh-count\.md#count-keys/);
    expect(SUMMARY.exec(run.stdout)?.slice(1, 4)).toEqual(['2', '0', '0']);
  });

  it('exits 1 when a case fails, and says what was sent and received', async () => {
    const docs = join(scratch, 'docs');
    mkdirSync(docs, { recursive: true });
    writeFileSync(join(docs, 'wrong.md'), wrongStatusPage(1));
    const run = await cli(server.url, '--docs', docs);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('wrong.md:9: KV_COUNT_RSP.st: expected 2, got 1');
    expect(run.stdout).toContain('sent:     {"KV_COUNT":{}}');
    expect(SUMMARY.exec(run.stdout)?.slice(1, 4)).toEqual(['0', '1', '0']);
  });

  it('writes TAP', async () => {
    const run = await cli(server.url, '--only', 'commands/kv-get.md', '--reporter', 'tap');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^TAP version 14\n/);
    expect(run.stdout).toContain('1..4\n');
    expect(run.stdout).toMatch(/^ok 4 - commands\/kv-get\.md#keys-that-is-not-an-array-is-status-41/m);
    expect(run.stdout).toMatch(/^# 4 passed, 0 failed, 0 skipped/m);
  });

  it('writes JSON on stdout with progress on stderr', async () => {
    const run = await cli(server.url, '--only', 'commands/kv-get.md', '--reporter', 'json');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { summary: { passed: number }; cases: { id: string; status: string }[] };
    expect(report.summary.passed).toBe(4);
    expect(report.cases.every((c) => c.status === 'passed')).toBe(true);
    expect(run.stderr).toMatch(SUMMARY);
  });

  it('writes JUnit to --output, with progress on stdout', async () => {
    const out = join(scratch, 'report.xml');
    const run = await cli(server.url, '--only', 'commands/kv-get.md', '--reporter', 'junit', '--output', out);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(SUMMARY);
    const { readFileSync } = await import('node:fs');
    const xml = readFileSync(out, 'utf8');
    expect(xml).toContain('<testsuites name="nemesisdb-conformance" tests="4" failures="0" skipped="0"');
    expect(xml.match(/<testcase /g)).toHaveLength(4);
  });

  it('skips the cases of a skip file, with its reason', async () => {
    const run = await kvGetWithList('--skip-file', '# comment\ncommands/kv-get.md#an-empty-list-reads-nothing  # not today\n');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('(skipped: not today)');
    expect(run.counts).toEqual(['3', '0', '1']);
  });

  it('selects by tags, and skips SAVE cases when persistence is off', async () => {
    const run = await cli(server.url, '--tags', 'KV_SAVE,!persistence-off', '--reporter', 'tap');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/# SKIP needs a persistence-enabled server \(SV_INFO says persistEnabled:false\)/);
  });

  it('--expect-fail: listed cases must fail (exit 0), a listed case that passes fails the run (exit 1)', async () => {
    // On our server the v0.7.4-only cases fail: they pin upstream's answers where we differ.
    const list = await cli('--list', '--profile', 'v0.7.4', '--tags', 'v0.7.4-only');
    const ids = list.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(' ')[0] ?? '');
    expect(ids.length).toBeGreaterThanOrEqual(3);
    const gaps = scratchFile('gaps.txt', `# known gaps\n${ids.map((id) => `${id}  # differs on purpose`).join('\n')}\n`);
    const run = await cli(
      server.url,
      '--profile',
      'v0.7.4',
      '--tags',
      'v0.7.4-only,!persistence',
      '--expect-fail',
      gaps,
      '--max-payload',
      '1048576',
    );
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('failed as expected: differs on purpose');
    expect(run.stdout).toMatch(/^0 passed, 0 failed, 0 skipped, \d+ failed as expected/m);
    const listed = await cli('--list', '--profile', 'v0.7.4', '--tags', 'v0.7.4-only', '--expect-fail', gaps);
    expect(
      listed.stdout
        .trim()
        .split('\n')
        .every((line) => line.endsWith('(expected to fail: differs on purpose)')),
    ).toBe(true);

    const fixed = await kvGetWithList('--expect-fail', 'commands/kv-get.md#an-empty-list-reads-nothing  # was broken\n');
    expect(fixed.code).toBe(1);
    expect(fixed.stdout).toContain('passed, but it is listed as an expected failure (was broken): remove it from the expect-fail list');
    expect(fixed.counts).toEqual(['3', '1', '0']);
  });

  it('exits 2 for list entries that match no case, and for a selection without cases', async () => {
    const typo = scratchFile('typo.txt', 'commands/kv-gte.md#*  # typo\n');
    const expectFail = await cli(server.url, '--expect-fail', typo);
    expect(expectFail.code).toBe(2);
    expect(expectFail.stderr).toContain('--expect-fail entries that match no case: commands/kv-gte.md#*');
    expect((await cli(server.url, '--skip-file', typo)).code).toBe(2);
    const none = await cli(server.url, '--only', 'no-such-case');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no case matches the profile and filters');
  });

  it('takes server settings as options: an unknown one skips the cases that depend on it', async () => {
    const run = await cli(server.url, '--tags', 'transport', '--max-payload', 'unknown', '--reporter', 'tap');
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/# SKIP depends on the server's maxPayload, which is unknown \(pass --max-payload <bytes>\)/);
    expect(run.stdout).toMatch(/^ok \d+ - concepts\/transport\.md#a-binary-message/m);

    // The v0.7.4 profile assumes upstream's shipped 1024 bytes: our server (1 MiB) takes 1025.
    const assumed = await cli(server.url, '--profile', 'v0.7.4', '--only', 'concepts/transport.md#a-message-larger-than-maxpayload-closes');
    expect(assumed.code).toBe(1);
    expect(assumed.stdout).toContain('settings: maxPayload 1024 (default of profile v0.7.4), persistence off (SV_INFO)');
    expect(assumed.stdout).toContain('+ 1011 spaces (1025 bytes)');
    const given = await cli(
      server.url,
      '--profile',
      'v0.7.4',
      '--max-payload',
      '1048576',
      '--only',
      'concepts/transport.md#a-message-larger-than-maxpayload-closes',
    );
    expect(given.code, given.stdout).toBe(0);

    const persistence = await cli(server.url, '--tags', 'KV_SAVE', '--persistence', 'unknown', '--reporter', 'tap');
    expect(persistence.code).toBe(0);
    expect(persistence.stdout).toContain(
      '# SKIP depends on whether the server has persistence enabled, which is unknown (pass --persistence on|off)',
    );
    expect((await cli(server.url, '--persistence', 'maybe')).code).toBe(2);
    expect((await cli(server.url, '--max-payload', '12kb')).code).toBe(2);
  });

  it('writes the Markdown report to --report-md and appends it to $GITHUB_STEP_SUMMARY', async () => {
    const report = join(scratch, 'report.md');
    const stepSummary = join(scratch, 'step-summary.md');
    writeFileSync(stepSummary, '## An earlier step\n\n');
    const run = await cliWithEnv({ GITHUB_STEP_SUMMARY: stepSummary }, server.url, '--only', 'commands/kv-get.md', '--report-md', report);
    expect(run.code).toBe(0);
    const markdown = readFileSync(report, 'utf8');
    expect(markdown).toMatch(/^## NemesisDB conformance: ✅ compatible \(profile `default`\)/);
    expect(markdown).toContain('| `commands/kv-get.md` | 4 | 0 | 0 | 0 | 0 | ✅ |');
    expect(readFileSync(stepSummary, 'utf8')).toBe(`## An earlier step\n\n${markdown}\n`);

    const markdownOut = await cli(server.url, '--only', 'commands/kv-get.md', '--reporter', 'markdown');
    expect(markdownOut.stdout).toMatch(/^## NemesisDB conformance/);
    expect(markdownOut.stderr).toMatch(SUMMARY);
  });

  it('lists cases without a server', async () => {
    const run = await cli('--list', '--tags', 'expiry', '--profile', 'v0.7.4');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.every((l) => l.includes('expiry') && !l.includes('improvement'))).toBe(true);
  });

  it('ends quietly when its reader closes the pipe (| head), with the exit status of the run', async () => {
    const listed = await cliIntoClosedPipe('--list');
    expect(listed).toEqual({ code: 0, stderr: '' });
    expect(await cliIntoClosedPipe('--help')).toEqual({ code: 0, stderr: '' });
    // A failing run still fails: the closed pipe drops the output, not the verdict.
    const docs = join(scratch, 'docs-closed-pipe');
    mkdirSync(docs, { recursive: true });
    writeFileSync(join(docs, 'wrong.md'), wrongStatusPage(50)); // more output than one pipe read
    const failing = await cliIntoClosedPipe(server.url, '--docs', docs);
    expect(failing.code).toBe(1);
    expect(failing.stderr).not.toContain('Unhandled');
  });

  it('exits 2 on bad usage and when the server cannot be reached', async () => {
    expect((await cli()).code).toBe(2);
    expect((await cli('http://127.0.0.1:1')).code).toBe(2);
    expect((await cli(server.url, '--reporter', 'xml')).code).toBe(2);
    const unreachable = await cli('ws://127.0.0.1:1');
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain('cannot connect to ws://127.0.0.1:1');
  });

  it('reaches a wss:// server that requires a token, with --token and --ca', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nemesisdb-conformance-tls-'));
    const token = 'a-long-enough-secret-token';
    writeFileSync(join(dir, 'tokens'), token);
    testCertificate(dir);
    const secure = await startServer({
      persist: false,
      args: ['--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem'), '--auth-token-file', join(dir, 'tokens')],
    });
    try {
      expect(secure.url).toMatch(/^wss:/);
      const run = await cli(secure.url, '--only', 'commands/sh-count.md', '--token', token, '--ca', join(dir, 'cert.pem'));
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(SUMMARY.exec(run.stdout)?.slice(1, 4)).toEqual(['2', '0', '0']);
      const refused = await cli(secure.url, '--only', 'commands/sh-count.md', '--ca', join(dir, 'cert.pem'));
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('HTTP 401');
    } finally {
      await secure.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints help with the write warning; the README shows the same usage', async () => {
    const run = await cli('--help');
    expect(run.code).toBe(0);
    const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
    const usage = run.stdout.slice(0, run.stdout.indexOf('\nThis suite writes')).trimEnd();
    expect(readme, 'README.md: paste the new `--help` usage into its ```text block').toContain(`\`\`\`text\n${usage}\n\`\`\``);
    expect(run.stdout).toContain('--profile <name>');
    expect(run.stdout).toContain('Point it only at a server whose data you can lose');
  });
});
