import { describe, expect, it } from 'vitest';
import type { RunListener, RunStart } from '../run.js';
import { resolveSettings } from '../settings.js';
import type { Case, CaseResult, Summary } from '../types.js';
import { combineListeners, createReporter, type ReporterName } from './index.js';
import { markdownReport, redactUrl } from './markdown.js';
import { progressReporter } from './pretty.js';

const make = (id: string, title: string): Case => ({
  id,
  title,
  file: id.split('#')[0] ?? id,
  line: 3,
  tags: ['status', 'SH_NEW'],
  steps: [],
});
const results: CaseResult[] = [
  { case: make('commands/sh-new.md#ok', 'Create a session'), status: 'passed', durationMs: 4 },
  {
    case: make('commands/sh-new.md#bad', 'A <bad> & "quoted" # case'),
    status: 'failed',
    durationMs: 2,
    message: 'commands/sh-new.md:9: SH_NEW_RSP.st: expected 26, got 41\n  sent:     {"SH_NEW":{}}',
    line: 9,
  },
  {
    case: make('commands/sh-save.md#off', 'Disabled'),
    status: 'skipped',
    durationMs: 0,
    message: 'needs a server with persistence disabled',
  },
];
const summary: Summary = { passed: 1, failed: 1, skipped: 1, expectedFailures: 0, durationMs: 1234 };
const facts = { url: 'ws://127.0.0.1:1987', serverVersion: '0.7.4', persistEnabled: true };
const start: RunStart = {
  facts,
  profile: 'default',
  total: 3,
  leftOut: 2,
  leftOutCases: [
    make('commands/kv-load.md#upstream', 'Upstream'),
    { ...make('concepts/expiry.md#exact', 'Exact'), tags: ['expiry', 'improvement'] },
  ],
  ...resolveSettings('default', { maxPayload: 8192 }, facts),
};

// The same run with an expect-fail list: one listed case failed (as it must), one listed case passed.
const listed: CaseResult[] = [
  results[0]!,
  { ...results[1]!, status: 'expected-failure', expectedFailure: 'gap #12' },
  {
    case: make('concepts/transport.md#big', 'Big'),
    status: 'failed',
    durationMs: 1,
    expectedFailure: 'gap #13',
    unexpectedPass: true,
    message: 'passed, but it is listed as an expected failure (gap #13): remove it from the expect-fail list',
  },
];
const listedSummary: Summary = { passed: 1, failed: 1, skipped: 0, expectedFailures: 1, durationMs: 1000 };

function drive(listener: RunListener, run: readonly CaseResult[] = results, totals: Summary = summary): void {
  listener.onStart?.({ ...start, total: run.length });
  run.forEach((r, i) => {
    listener.onCaseStart?.(r.case, i, run.length);
    listener.onCaseEnd?.(r, i, run.length);
  });
  listener.onEnd?.(totals, run);
}

/** Each fragment must be in the report: a substring of its text, or one of its lines. */
function expectEach(report: string | readonly string[], fragments: readonly string[]): void {
  for (const fragment of fragments) expect(report).toContain(fragment);
}

function output(name: ReporterName, run: readonly CaseResult[] = results, totals: Summary = summary): string {
  let text = '';
  drive(createReporter(name, { write: (chunk: string) => (text += chunk) }), run, totals);
  return text;
}

describe('pretty', () => {
  it('prints the server, the warning, a line per case, the failures again and the summary line', () => {
    const text = output('pretty');
    expectEach(text, [
      'nemesisdb-conformance: ws://127.0.0.1:1987 (serverVersion 0.7.4, persistEnabled true)',
      'profile default: 3 cases, 2 left out by profile/filters',
      'settings: maxPayload 8192 (--max-payload), persistence on (SV_INFO)',
      'Point it only at a server whose data you can lose',
      '[1/3] ✓ commands/sh-new.md#ok (4 ms)',
      '[2/3] ✗ commands/sh-new.md#bad (2 ms)\n      commands/sh-new.md:9: SH_NEW_RSP.st: expected 26, got 41',
      '[3/3] - commands/sh-save.md#off (skipped: needs a server with persistence disabled)',
      'Failed cases:\n  ✗ commands/sh-new.md#bad',
    ]);
    expect(text.trimEnd().split('\n').at(-1)).toBe('1 passed, 1 failed, 1 skipped (1.2 s)');
  });

  it('has a compact form for progress next to machine-readable reports', () => {
    let text = '';
    drive(progressReporter({ write: (chunk: string) => (text += chunk) }));
    expect(text.trimEnd().split('\n')).toHaveLength(7);
    expect(text).toMatch(/1 passed, 1 failed, 1 skipped \(1\.2 s\)\n$/);
  });
});

describe('tap', () => {
  it('writes TAP 14 with a plan, a YAML block for the failure, SKIP and the summary comment', () => {
    const lines = output('tap').trimEnd().split('\n');
    expect(lines[0]).toBe('TAP version 14');
    expectEach(lines, [
      '1..3',
      'ok 1 - commands/sh-new.md#ok - Create a session',
      'not ok 2 - commands/sh-new.md#bad - A <bad> & "quoted" \\# case',
      '  ---',
      '  message: "commands/sh-new.md:9: SH_NEW_RSP.st: expected 26, got 41\\n  sent:     {\\"SH_NEW\\":{}}"',
      '  at: "commands/sh-new.md:9"',
      'ok 3 - commands/sh-save.md#off - Disabled # SKIP needs a server with persistence disabled',
    ]);
    expect(lines.at(-1)).toBe('# 1 passed, 1 failed, 1 skipped (1.2 s)');
  });
});

describe('json', () => {
  it('writes one document with the server, the summary and every case', () => {
    const report = JSON.parse(output('json')) as Record<string, unknown> & { cases: Record<string, unknown>[] };
    expect(report).toMatchObject({
      tool: 'nemesisdb-conformance',
      url: 'ws://127.0.0.1:1987',
      profile: 'default',
      server: { serverVersion: '0.7.4', persistEnabled: true },
      leftOut: 2,
      summary,
    });
    expect(report.cases.map((c) => c['status'])).toEqual(['passed', 'failed', 'skipped']);
    expect(report.cases[1]).toMatchObject({ id: 'commands/sh-new.md#bad', failedLine: 9, tags: ['status', 'SH_NEW'] });
    expect(report.cases[0]).not.toHaveProperty('message');
  });
});

describe('junit', () => {
  it('writes a testsuite per page with escaped names, a failure and a skip', () => {
    const xml = output('junit');
    expect(
      xml.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="nemesisdb-conformance" tests="3" failures="1" skipped="1" time="1.234">',
      ),
    ).toBe(true);
    expectEach(xml, [
      '<testsuite name="commands/sh-new.md" tests="2" failures="1" skipped="0" time="0.006">',
      '<testsuite name="commands/sh-save.md" tests="1" failures="0" skipped="1"',
      'name="A &lt;bad&gt; &amp; &quot;quoted&quot; # case"',
      '<failure message="commands/sh-new.md:9: SH_NEW_RSP.st: expected 26, got 41">',
      '<skipped message="needs a server with persistence disabled"/>',
    ]);
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
  });
});

describe('expected failures', () => {
  it('pretty marks them and says which listed case passed; the summary line counts them apart', () => {
    const text = output('pretty', listed, listedSummary);
    expectEach(text, [
      '[2/3] ✗ commands/sh-new.md#bad (2 ms, failed as expected: gap #12)',
      '[3/3] ✗ concepts/transport.md#big (1 ms, passed but expected to fail)',
      'Failed cases:\n  ✗ concepts/transport.md#big\n      passed, but it is listed as an expected failure (gap #13)',
    ]);
    expect(text.trimEnd().split('\n').at(-1)).toBe('1 passed, 1 failed, 0 skipped, 1 failed as expected (1.0 s)');
  });

  it('TAP writes them as TODO, which consumers do not count as failures', () => {
    const lines = output('tap', listed, listedSummary).split('\n');
    expect(lines).toContain('not ok 2 - commands/sh-new.md#bad - A <bad> & "quoted" \\# case # TODO expected failure: gap #12');
    expect(lines).toContain('not ok 3 - concepts/transport.md#big - Big');
  });

  it('JUnit writes them as skipped test cases with the failure as output', () => {
    const xml = output('junit', listed, listedSummary);
    expect(xml).toContain('tests="3" failures="1" skipped="1"');
    expect(xml).toContain('<skipped message="expected failure: gap #12"/>\n      <system-out>commands/sh-new.md:9: SH_NEW_RSP.st');
    expect(xml).toContain(
      '<failure message="passed, but it is listed as an expected failure (gap #13): remove it from the expect-fail list">',
    );
  });

  it('JSON gives the reason and flags the unexpected pass', () => {
    const report = JSON.parse(output('json', listed, listedSummary)) as { cases: Record<string, unknown>[]; settings: unknown };
    expect(report.cases[1]).toMatchObject({ status: 'expected-failure', expectedFailure: 'gap #12' });
    expect(report.cases[2]).toMatchObject({ status: 'failed', expectedFailure: 'gap #13', unexpectedPass: true });
    expect(report.settings).toEqual({ maxPayload: { value: 8192, source: 'option' }, persistence: { value: true, source: 'server' } });
  });
});

describe('markdown', () => {
  it('gives the verdict, the settings, counts per area, section and page, the failures and the skip reasons', () => {
    const text = output('markdown');
    expect(text).toMatch(/^## NemesisDB conformance: ❌ not compatible \(profile `default`\)\n/);
    expectEach(text, [
      'Server `ws://127.0.0.1:1987` (serverVersion `0.7.4`), judged by @nemesisdb/conformance',
      'Settings: maxPayload 8192 (--max-payload), persistence on (SV_INFO).',
      '**1 passed, 1 failed, 1 skipped (1.2 s)**; 2 cases left out by the profile and filters.',
    ]);
    // The fixture's cases are tagged status, so all are in "commands"; the left-out improvement is only in "expiry".
    expect(text).toMatch(/^\| \*\*commands\*\*: [^|]+ \| 1 \| 1 \| 0 \| 1 \| 1 \| ❌ \|$/m);
    expect(text).toMatch(/^\| \*\*expiry\*\*: [^|]+ \| 0 \| 0 \| 0 \| 0 \| 1 \| — \|$/m);
    expect(text).toMatch(/^\| \*\*extensions\*\*: [^|]+ \| 0 \| 0 \| 0 \| 0 \| 0 \| — \|$/m);
    expectEach(text, [
      '| `commands/` | 1 | 1 | 0 | 1 | 1 | ❌ |',
      '| `concepts/` | 0 | 0 | 0 | 0 | 1 | — |',
      '| `commands/sh-save.md` | 0 | 0 | 0 | 1 | 0 | — |',
    ]);
    expect(text).toContain(
      '### Failures (1)\n\n- `commands/sh-new.md#bad` (commands/sh-new.md:9)\n\n```text\ncommands/sh-new.md:9: SH_NEW_RSP.st',
    );
    expect(text).toContain('### Skipped (1)\n\n- needs a server with persistence disabled (1): `commands/sh-save.md#off`');
  });

  it('says compatible when only expected failures failed, and lists them with their reasons', () => {
    const text = markdownReport(start, { ...listedSummary, failed: 0 }, listed.slice(0, 2));
    expect(text).toMatch(/^## NemesisDB conformance: ✅ compatible/);
    expect(text).toContain('### Expected failures (1)\n\n- `commands/sh-new.md#bad`: gap #12');
    expect(text).not.toContain('### Failures');
  });

  it('keeps secrets in the URL out of the report', () => {
    expect(redactUrl('wss://u:pw@db.example:1987/?token=abc&x=1')).toBe('wss://u:***@db.example:1987/?token=***&x=1');
  });
});

describe('combineListeners', () => {
  it('calls every listener', () => {
    const seen: string[] = [];
    drive(combineListeners({ onEnd: () => seen.push('a') }, { onEnd: () => seen.push('b') }));
    expect(seen).toEqual(['a', 'b']);
  });
});
