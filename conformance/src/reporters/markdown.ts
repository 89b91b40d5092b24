// The compatibility report: a Markdown summary of a run for people deciding whether an
// implementation is compatible — the verdict, the settings it was judged by, pass/fail/skip counts
// per area of the protocol (tag groups) and per docs section and page, then the failures, the
// expected failures and the skip reasons. Written with --report-md and to $GITHUB_STEP_SUMMARY.
import type { RunListener, RunStart } from '../run.js';
import { describeSettings } from '../settings.js';
import type { Case, CaseResult, Summary } from '../types.js';
import { VERSION } from '../version.js';
import { endOfRunReporter, summaryLine, type Output } from './output.js';

/** The areas of the protocol the report counts; a case may be in several. */
export const REPORT_GROUPS: readonly { readonly name: string; readonly describe: string; readonly has: (c: Case) => boolean }[] = [
  {
    name: 'commands',
    describe: 'command replies and statuses (tags `behaviour`, `status`)',
    has: (c) => c.tags.includes('behaviour') || c.tags.includes('status'),
  },
  { name: 'expiry', describe: 'deadlines passing in real time (tag `expiry`)', has: (c) => c.tags.includes('expiry') },
  { name: 'persistence', describe: 'SAVE and LOAD (tag `persistence`)', has: (c) => c.tags.includes('persistence') },
  {
    name: 'transport',
    describe: 'binary, invalid and oversized messages, closes, paths (tag `transport`)',
    has: (c) => c.tags.includes('transport'),
  },
  { name: 'extensions', describe: 'commands and members beyond v0.7.4 (tag `extension`)', has: (c) => c.tags.includes('extension') },
  { name: 'improvements', describe: 'deliberate improvements over v0.7.4 (tag `improvement`)', has: (c) => c.tags.includes('improvement') },
  { name: 'v0.7.4-only', describe: "v0.7.4's own answers where we differ (tag `v0.7.4-only`)", has: (c) => c.tags.includes('v0.7.4-only') },
];

interface Counts {
  passed: number;
  failed: number;
  expected: number;
  skipped: number;
  leftOut: number;
}

export function markdownReporter(out: Output): RunListener {
  return endOfRunReporter((start, summary, results) => {
    if (start) out.write(markdownReport(start, summary, results));
  });
}

/** The report as one Markdown document (it starts with a level-2 heading, to sit in a step summary). */
export function markdownReport(start: RunStart, summary: Summary, results: readonly CaseResult[]): string {
  const passed = summary.failed === 0;
  const lines: string[] = [];
  lines.push(`## NemesisDB conformance: ${passed ? '✅ compatible' : '❌ not compatible'} (profile \`${start.profile}\`)`, '');
  const version = start.facts.serverVersion === null ? 'no serverVersion reported' : `serverVersion \`${cell(start.facts.serverVersion)}\``;
  lines.push(`Server \`${cell(redactUrl(start.facts.url))}\` (${version}), judged by @nemesisdb/conformance ${VERSION}.`, '');
  lines.push(`Settings: ${cell(describeSettings(start.settings))}.`, '');
  for (const warning of start.warnings) lines.push(`> **Warning:** ${cell(warning)}`, '');
  lines.push(`**${summaryLine(summary)}**${start.leftOut > 0 ? `; ${start.leftOut} cases left out by the profile and filters` : ''}.`, '');

  lines.push('### By area', '');
  lines.push(tableHead('Area'));
  for (const group of REPORT_GROUPS) {
    const counts = count(
      results.filter((r) => group.has(r.case)),
      start.leftOutCases.filter(group.has),
    );
    lines.push(row(`**${group.name}**: ${group.describe}`, counts));
  }
  lines.push('');

  const files = [...new Set([...results.map((r) => r.case.file), ...start.leftOutCases.map((c) => c.file)])];
  const sections = [...new Set(files.map(sectionOf))];
  lines.push('### By docs section', '');
  lines.push(tableHead('Section'));
  for (const section of sections) {
    lines.push(
      row(
        `\`${section}/\``,
        count(
          results.filter((r) => sectionOf(r.case.file) === section),
          start.leftOutCases.filter((c) => sectionOf(c.file) === section),
        ),
      ),
    );
  }
  lines.push('', '<details><summary>By page</summary>', '', tableHead('Page'));
  for (const file of files) {
    lines.push(
      row(
        `\`${file}\``,
        count(
          results.filter((r) => r.case.file === file),
          start.leftOutCases.filter((c) => c.file === file),
        ),
      ),
    );
  }
  lines.push('', '</details>', '');

  const failed = results.filter((r) => r.status === 'failed');
  if (failed.length > 0) {
    lines.push(`### Failures (${failed.length})`, '');
    for (const r of failed) {
      lines.push(
        `- \`${r.case.id}\` (${r.case.file}:${r.line ?? r.case.line})${r.unexpectedPass ? ' — **passed, but listed as an expected failure**' : ''}`,
        '',
      );
      lines.push(fence(r.message ?? ''), '');
    }
  }
  const expected = results.filter((r) => r.status === 'expected-failure');
  if (expected.length > 0) {
    lines.push(`### Expected failures (${expected.length})`, '');
    for (const r of expected) lines.push(`- \`${r.case.id}\`: ${cell(r.expectedFailure ?? '')}`);
    lines.push('');
  }
  const skipped = results.filter((r) => r.status === 'skipped');
  if (skipped.length > 0) {
    lines.push(`### Skipped (${skipped.length})`, '');
    const byReason = new Map<string, CaseResult[]>();
    for (const r of skipped) byReason.set(r.message ?? '', [...(byReason.get(r.message ?? '') ?? []), r]);
    for (const [reason, cases] of byReason) {
      lines.push(`- ${cell(reason)} (${cases.length}): ${cases.map((r) => `\`${r.case.id}\``).join(', ')}`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function count(results: readonly CaseResult[], leftOut: readonly Case[]): Counts {
  return {
    passed: results.filter((r) => r.status === 'passed').length,
    failed: results.filter((r) => r.status === 'failed').length,
    expected: results.filter((r) => r.status === 'expected-failure').length,
    skipped: results.filter((r) => r.status === 'skipped').length,
    leftOut: leftOut.length,
  };
}

function tableHead(first: string): string {
  return `| ${first} | Passed | Failed | Failed as expected | Skipped | Left out | |\n|---|---:|---:|---:|---:|---:|---|`;
}

function row(name: string, c: Counts): string {
  const verdict = c.failed > 0 ? '❌' : c.passed + c.expected > 0 ? '✅' : '—';
  return `| ${name} | ${c.passed} | ${c.failed} | ${c.expected} | ${c.skipped} | ${c.leftOut} | ${verdict} |`;
}

/** `commands/sh-new.md` → `commands`; a page at the docs root is its own section. */
function sectionOf(file: string): string {
  const slash = file.indexOf('/');
  return slash === -1 ? file : file.slice(0, slash);
}

/** Text that can sit in a table cell or a list item: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

function fence(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const marks = '`'.repeat(longest + 1);
  return `${marks}text\n${text}\n${marks}`;
}

/** A step summary may be read by more people than the server's secrets: no token query parameter, no password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const secrets = [...parsed.searchParams.keys()].filter((name) => /token|secret|password|key/i.test(name));
    if (!parsed.password && secrets.length === 0) return url;
    if (parsed.password) parsed.password = '***';
    for (const name of secrets) parsed.searchParams.set(name, '***');
    return parsed.toString();
  } catch {
    return url;
  }
}
