// JUnit XML at the end of the run: one <testsuite> per docs page, one <testcase> per case. An
// expected failure is a <skipped> test case (as pytest writes xfail), with the failure as output,
// so a JUnit consumer does not fail the build for a gap the expect-fail list declares.
import type { RunListener } from '../run.js';
import type { CaseResult } from '../types.js';
import type { Output } from './output.js';

export function junitReporter(out: Output): RunListener {
  return {
    onEnd(summary, results) {
      const pages = new Map<string, CaseResult[]>();
      for (const r of results) pages.set(r.case.file, [...(pages.get(r.case.file) ?? []), r]);
      const lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        `<testsuites name="nemesisdb-conformance" tests="${results.length}" failures="${summary.failed}" skipped="${summary.skipped + summary.expectedFailures}" time="${seconds(summary.durationMs)}">`,
      ];
      for (const [file, cases] of pages) {
        const failures = cases.filter((r) => r.status === 'failed').length;
        const skipped = cases.filter((r) => r.status === 'skipped' || r.status === 'expected-failure').length;
        const time = cases.reduce((sum, r) => sum + r.durationMs, 0);
        lines.push(
          `  <testsuite name="${xml(file)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}" time="${seconds(time)}">`,
        );
        for (const r of cases) {
          const open = `    <testcase classname="${xml(file)}" name="${xml(r.case.title)}" file="${xml(file)}" line="${r.case.line}" time="${seconds(r.durationMs)}"`;
          if (r.status === 'passed') lines.push(`${open}/>`);
          else if (r.status === 'skipped') lines.push(`${open}>`, `      <skipped message="${xml(r.message ?? '')}"/>`, '    </testcase>');
          else if (r.status === 'expected-failure') {
            lines.push(
              `${open}>`,
              `      <skipped message="${xml(`expected failure: ${r.expectedFailure ?? ''}`)}"/>`,
              `      <system-out>${xml(r.message ?? '')}</system-out>`,
              '    </testcase>',
            );
          } else {
            const message = r.message ?? '';
            lines.push(
              `${open}>`,
              `      <failure message="${xml(message.split('\n')[0] ?? '')}">${xml(message)}</failure>`,
              '    </testcase>',
            );
          }
        }
        lines.push('  </testsuite>');
      }
      lines.push('</testsuites>');
      out.write(`${lines.join('\n')}\n`);
    },
  };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

// Attribute- and text-safe; characters XML 1.0 cannot hold at all are dropped.
function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;');
}
