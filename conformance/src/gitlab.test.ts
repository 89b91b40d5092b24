// The GitLab CI snippet of docs/guides/conformance.md, run the way a GitLab runner runs a job but
// without GitLab: the job's `variables` as the environment (the service URL and the profile's
// settings replaced by those of our server app), its `script` lines in one bash shell with
// `-eo pipefail`, `npx` a PATH shim running the built CLI; then the artifacts the job declares must
// exist. A snippet that stops working fails here, not in a reader's pipeline.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { npxShim, runBash, type Shim } from './testing/ci.test-util.js';
import { startServer, type TestServer } from './testing/server.test-util.js';

const GUIDE = fileURLToPath(new URL('../../docs/guides/conformance.md', import.meta.url));

interface Job {
  image?: string;
  variables?: Record<string, string>;
  before_script?: string[];
  script: string[];
  artifacts?: { when?: string; paths?: string[]; reports?: { junit?: string } };
}

/** The first ```yaml block after the "## GitLab CI" heading. */
function snippet(): string {
  const page = readFileSync(GUIDE, 'utf8');
  const section = page.slice(page.indexOf('\n## GitLab CI\n'));
  const block = /```yaml\n([\s\S]*?)\n```/.exec(section);
  if (!section.startsWith('\n## GitLab CI\n') || !block)
    throw new Error('docs/guides/conformance.md has no yaml block under "## GitLab CI"');
  return block[1] ?? '';
}

const job = (parse(snippet()) as Record<string, Job>)['conformance'];

let server: TestServer;
let shim: Shim;
let work: string;

beforeAll(async () => {
  server = await startServer({ persist: true });
  shim = npxShim();
  work = mkdtempSync(join(tmpdir(), 'nemesisdb-conformance-gitlab-'));
});

afterAll(async () => {
  await server?.stop();
  shim?.remove();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function runJob(overrides: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string; dir: string }> {
  const dir = mkdtempSync(join(work, 'job-'));
  // GitLab's own variables a job sees, plus the job's, plus ours; never a GitHub step summary.
  const env: Record<string, string> = {
    CI: 'true',
    GITLAB_CI: 'true',
    CI_PROJECT_DIR: dir,
    GITHUB_STEP_SUMMARY: '',
    ...job?.variables,
    ...overrides,
  };
  const script = [...(job?.before_script ?? []), ...(job?.script ?? [])].join('\n');
  return { ...(await runBash(script, env, shim, dir)), dir };
}

describe('the GitLab CI snippet in docs/guides/conformance.md', () => {
  it('is a job that runs the published CLI with npx in a Node 20 image and keeps its reports', () => {
    expect(job, 'a job named conformance').toBeDefined();
    expect(job?.image).toMatch(/^node:(20|22|24)/);
    expect(job?.script.join('\n')).toMatch(/npx -y "@nemesisdb\/conformance@\$\{CONFORMANCE_VERSION\}"/);
    expect(job?.artifacts?.when).toBe('always');
    expect(job?.artifacts?.reports?.junit).toBeTruthy();
  });

  it('judges our server and leaves the JUnit and Markdown reports it declares as artifacts', async () => {
    const run = await runJob({
      NEMESISDB_URL: server.url,
      CONFORMANCE_PROFILE: 'default',
      CONFORMANCE_MAX_PAYLOAD: '1048576',
      CONFORMANCE_ARGS: '--tags KV_GET,SH_COUNT,transport,!expiry',
    });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(shim.lastCall()?.spec).toBe(job?.variables?.['CONFORMANCE_VERSION']);
    expect(shim.lastCall()?.args).toEqual(expect.arrayContaining(['--tags', 'KV_GET,SH_COUNT,transport,!expiry']));
    const junit = readFileSync(join(run.dir, job?.artifacts?.reports?.junit ?? ''), 'utf8');
    expect(junit).toMatch(/<testsuites name="nemesisdb-conformance" tests="\d+" failures="0"/);
    for (const path of job?.artifacts?.paths ?? []) expect(existsSync(join(run.dir, path)), path).toBe(true);
    expect(readFileSync(join(run.dir, 'conformance.md'), 'utf8')).toMatch(/^## NemesisDB conformance: ✅ compatible/);
  });

  it('fails the job when the server is not compatible, and still leaves the reports', async () => {
    // Our server differs from v0.7.4 where the v0.7.4-only cases pin upstream's answers.
    const run = await runJob({ NEMESISDB_URL: server.url, CONFORMANCE_MAX_PAYLOAD: '1048576', CONFORMANCE_ARGS: '--tags v0.7.4-only' });
    expect(run.code).toBe(1);
    expect(readFileSync(join(run.dir, 'conformance.xml'), 'utf8')).toMatch(/failures="[1-9]\d*"/);
    expect(readFileSync(join(run.dir, 'conformance.md'), 'utf8')).toContain('❌ not compatible');
  });
});
