// The whole documented suite against our server app, in the default profile with its default
// settings: every case must pass, except the ones listed in known-server-defects.txt, which is
// given to the run as its expect-fail list (as `--expect-fail` does): they must fail, so a fix in
// the server shows up here too.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractFromDocs } from './corpus.js';
import { runSuite } from './run.js';
import { parseSkipFile, unmatchedRules } from './select.js';
import { startServer, type TestServer } from './testing/server.test-util.js';
import type { CaseResult } from './types.js';

const docs = fileURLToPath(new URL('../../docs', import.meta.url));
const cases = extractFromDocs(docs);
const knownDefects = parseSkipFile(readFileSync(fileURLToPath(new URL('../known-server-defects.txt', import.meta.url)), 'utf8'));

let persistent: TestServer;
let plain: TestServer;

beforeAll(async () => {
  [persistent, plain] = await Promise.all([startServer({ persist: true }), startServer({ persist: false })]);
});

afterAll(async () => {
  await Promise.all([persistent?.stop(), plain?.stop()]);
});

function report(results: readonly CaseResult[]): string {
  return results.map((r) => `${r.case.id}\n${r.message ?? ''}`).join('\n\n');
}

describe('the documented suite against our server', () => {
  it('passes every case on a persistence-enabled server (the persistence-off ones are skipped)', async () => {
    const { results, facts, settings } = await runSuite({ url: persistent.url, cases, expectFail: knownDefects });
    // SAVE cases are skipped, not failed, until the app reports persistEnabled:true.
    expect(facts.persistEnabled, 'SV_INFO reports persistEnabled').toBe(true);
    expect(settings.maxPayload).toEqual({ value: 1024 * 1024, source: 'profile' });

    // Failed: a case that fails and is not listed, or a listed one that passes (remove its line).
    const failed = results.filter((r) => r.status === 'failed');
    expect(failed.length, `cases failing against our server (see known-server-defects.txt):\n\n${report(failed)}`).toBe(0);
    expect(unmatchedRules(cases, knownDefects), 'known-server-defects.txt names cases that do not exist').toEqual([]);

    const skipped = results.filter((r) => r.status === 'skipped');
    expect(
      skipped.every((r) => r.case.tags.includes('persistence-off')),
      report(skipped),
    ).toBe(true);
    expect(results.filter((r) => r.status === 'passed').length).toBeGreaterThan(150);
  });

  it('passes the persistence-off cases on a server without persistence', async () => {
    const { results, facts } = await runSuite({ url: plain.url, cases, tags: ['persistence-off'] });
    expect(facts.persistEnabled).toBe(false);
    expect(results.length).toBeGreaterThanOrEqual(2);
    expect(
      results.filter((r) => r.status !== 'passed'),
      report(results),
    ).toEqual([]);
  });

  it('leaves no session and no KV key of its own behind', async () => {
    // A short run with sessions and keys, then the server's totals.
    const before = await runSuite({ url: plain.url, cases, tags: ['SH_SET', 'KV_SET', '!destructive', '!expiry', '!persistence'] });
    expect(before.summary.failed, report(before.results.filter((r) => r.status === 'failed'))).toBe(0);
    const probe = await runSuite({
      url: plain.url,
      cases: [
        {
          id: 'probe#totals',
          title: 'totals',
          file: 'probe',
          line: 1,
          tags: [],
          steps: [
            { kind: 'send', mode: 'json', text: '{"SH_INFO_ALL":{}}', line: 1 },
            {
              kind: 'expect',
              text: '{"SH_INFO_ALL_RSP":{"st":1,"totalKeys":0,"totalSessions":0}}',
              subset: false,
              unordered: false,
              line: 2,
            },
            { kind: 'send', mode: 'json', text: '{"KV_KEYS":{}}', line: 3 },
            { kind: 'expect', text: '{"KV_KEYS_RSP":{"keys":[],"st":1}}', subset: false, unordered: false, line: 4 },
          ],
        },
      ],
    });
    expect(probe.summary.failed, report(probe.results)).toBe(0);
  });
});
