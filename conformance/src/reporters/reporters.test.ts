import { describe, expect, it } from 'vitest';
import type { RunListener } from '../run.js';
import type { Case, CaseResult, Summary } from '../types.js';
import { combineListeners, createReporter, type ReporterName } from './index.js';
import { progressReporter } from './pretty.js';

const make = (id: string, title: string): Case => ({ id, title, file: id.split('#')[0] ?? id, line: 3, tags: ['status', 'SH_NEW'], steps: [] });
const results: CaseResult[] = [
  { case: make('commands/sh-new.md#ok', 'Create a session'), status: 'passed', durationMs: 4 },
  {
    case: make('commands/sh-new.md#bad', 'A <bad> & "quoted" # case'),
    status: 'failed',
    durationMs: 2,
    message: 'commands/sh-new.md:9: SH_NEW_RSP.st: expected 26, got 41\n  sent:     {"SH_NEW":{}}',
    line: 9,
  },
  { case: make('commands/sh-save.md#off', 'Disabled'), status: 'skipped', durationMs: 0, message: 'needs a server with persistence disabled' },
];
const summary: Summary = { passed: 1, failed: 1, skipped: 1, durationMs: 1234 };

function drive(listener: RunListener): void {
  listener.onStart?.({ facts: { url: 'ws://127.0.0.1:1987', serverVersion: '0.7.4', persistEnabled: true }, profile: 'default', total: 3, leftOut: 2 });
  results.forEach((r, i) => {
    listener.onCaseStart?.(r.case, i, 3);
    listener.onCaseEnd?.(r, i, 3);
  });
  listener.onEnd?.(summary, results);
}

function output(name: ReporterName): string {
  let text = '';
  drive(createReporter(name, { write: (chunk: string) => (text += chunk) }));
  return text;
}

describe('pretty', () => {
  it('prints the server, the warning, a line per case, the failures again and the summary line', () => {
    const text = output('pretty');
    expect(text).toContain('nemesisdb-conformance: ws://127.0.0.1:1987 (serverVersion 0.7.4, persistEnabled true)');
    expect(text).toContain('profile default: 3 cases, 2 left out by profile/filters');
    expect(text).toContain('Point it only at a server whose data you can lose');
    expect(text).toContain('[1/3] ✓ commands/sh-new.md#ok (4 ms)');
    expect(text).toContain('[2/3] ✗ commands/sh-new.md#bad (2 ms)\n      commands/sh-new.md:9: SH_NEW_RSP.st: expected 26, got 41');
    expect(text).toContain('[3/3] - commands/sh-save.md#off (skipped: needs a server with persistence disabled)');
    expect(text).toContain('Failed cases:\n  ✗ commands/sh-new.md#bad');
    expect(text.trimEnd().split('\n').at(-1)).toBe('1 passed, 1 failed, 1 skipped (1.2 s)');
  });

  it('has a compact form for progress next to machine-readable reports', () => {
    let text = '';
    drive(progressReporter({ write: (chunk: string) => (text += chunk) }));
    expect(text.trimEnd().split('\n')).toHaveLength(6);
    expect(text).toMatch(/1 passed, 1 failed, 1 skipped \(1\.2 s\)\n$/);
  });
});

describe('tap', () => {
  it('writes TAP 14 with a plan, a YAML block for the failure, SKIP and the summary comment', () => {
    const lines = output('tap').trimEnd().split('\n');
    expect(lines[0]).toBe('TAP version 14');
    expect(lines).toContain('1..3');
    expect(lines).toContain('ok 1 - commands/sh-new.md#ok - Create a session');
    expect(lines).toContain('not ok 2 - commands/sh-new.md#bad - A <bad> & "quoted" \\# case');
    expect(lines).toContain('  ---');
    expect(lines).toContain('  message: "commands/sh-new.md:9: SH_NEW_RSP.st: expected 26, got 41\\n  sent:     {\\"SH_NEW\\":{}}"');
    expect(lines).toContain('  at: "commands/sh-new.md:9"');
    expect(lines).toContain('ok 3 - commands/sh-save.md#off - Disabled # SKIP needs a server with persistence disabled');
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
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="nemesisdb-conformance" tests="3" failures="1" skipped="1" time="1.234">')).toBe(true);
    expect(xml).toContain('<testsuite name="commands/sh-new.md" tests="2" failures="1" skipped="0" time="0.006">');
    expect(xml).toContain('<testsuite name="commands/sh-save.md" tests="1" failures="0" skipped="1"');
    expect(xml).toContain('name="A &lt;bad&gt; &amp; &quot;quoted&quot; # case"');
    expect(xml).toContain('<failure message="commands/sh-new.md:9: SH_NEW_RSP.st: expected 26, got 41">');
    expect(xml).toContain('<skipped message="needs a server with persistence disabled"/>');
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
  });
});

describe('combineListeners', () => {
  it('calls every listener', () => {
    const seen: string[] = [];
    drive(combineListeners({ onEnd: () => seen.push('a') }, { onEnd: () => seen.push('b') }));
    expect(seen).toEqual(['a', 'b']);
  });
});
