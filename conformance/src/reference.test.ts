// `--profile v0.7.4` against the implementation it profiles: C++ NemesisDB v0.7.4, built from the
// public repositories (docs/guides/reference-server.md) and found through NDB_REF_BIN. Every case
// of the profile must pass there — with the reference's own config (maxPayload 8192, persistence
// on) given as options, and with upstream's shipped config (1024, persistence off) and no options,
// which is what the profile's defaults stand for. Without NDB_REF_BIN the tests are skipped.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PERSISTENCE_OFF_TAG, PERSISTENCE_ON_TAG } from './tags.js';
import { startReference } from './testing/reference.test-util.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const bin = process.env['NDB_REF_BIN'] || undefined;
const reason = bin ? '' : ' (skipped: NDB_REF_BIN is not set; build the reference with docs/guides/reference-server.md)';

interface JsonReport {
  summary: { passed: number; failed: number; skipped: number; expectedFailures: number };
  settings: { maxPayload: { value: number | null; source: string }; persistence: { value: boolean | null; source: string } };
  cases: { id: string; status: string; tags: string[]; message?: string }[];
}

/** The CLI as a user runs it, with the JSON report on stdout. */
function judge(url: string, ...args: string[]): Promise<{ code: number | null; report: JsonReport; stderr: string }> {
  return new Promise((resolve, reject) => {
    const { GITHUB_STEP_SUMMARY: _ignored, ...env } = process.env;
    const child = spawn(process.execPath, [CLI, url, '--profile', 'v0.7.4', '--reporter', 'json', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      try {
        resolve({ code, report: JSON.parse(stdout) as JsonReport, stderr });
      } catch (error) {
        reject(new Error(`no JSON report (exit ${code}): ${stderr}\n${(error as Error).message}`));
      }
    });
  });
}

function failures(report: JsonReport): string {
  return report.cases
    .filter((c) => c.status === 'failed')
    .map((c) => `${c.id}\n${c.message ?? ''}`)
    .join('\n\n');
}

describe.skipIf(!bin)(`--profile v0.7.4 on C++ NemesisDB v0.7.4${reason}`, () => {
  it('passes every case with the reference config (maxPayload 8192, persistence on) given as options', async () => {
    const server = await startReference(bin!, { maxPayload: 8192, persist: true });
    try {
      const { code, report } = await judge(server.url, '--max-payload', '8192');
      expect(report.summary.failed, failures(report)).toBe(0);
      expect(code).toBe(0);
      expect(report.settings.persistence).toEqual({ value: true, source: 'server' });
      expect(report.summary.passed).toBeGreaterThan(150);
      // Only the cases that need persistence off are left for the other run.
      const skipped = report.cases.filter((c) => c.status === 'skipped');
      expect(
        skipped.every((c) => c.tags.includes(PERSISTENCE_OFF_TAG)),
        JSON.stringify(skipped),
      ).toBe(true);
      expect(report.cases.filter((c) => c.tags.includes('max-payload')).every((c) => c.status === 'passed')).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it("passes every case with upstream's shipped config (1024, persistence off) and the profile's defaults", async () => {
    const server = await startReference(bin!, { maxPayload: 1024, persist: false });
    try {
      const { code, report } = await judge(server.url);
      expect(report.summary.failed, failures(report)).toBe(0);
      expect(code).toBe(0);
      expect(report.settings.maxPayload).toEqual({ value: 1024, source: 'profile' });
      const skipped = report.cases.filter((c) => c.status === 'skipped');
      expect(
        skipped.every((c) => c.tags.includes(PERSISTENCE_ON_TAG)),
        JSON.stringify(skipped),
      ).toBe(true);
      const ran = (tag: string): string[] => report.cases.filter((c) => c.tags.includes(tag) && c.status === 'passed').map((c) => c.id);
      expect(ran(PERSISTENCE_OFF_TAG).length).toBeGreaterThanOrEqual(2);
      expect(ran('max-payload').length).toBeGreaterThanOrEqual(2);
    } finally {
      await server.stop();
    }
  });
});
