// Human-readable progress: one line per case as it finishes, failures repeated at the end, then
// the summary line.
import type { RunListener, RunStart } from '../run.js';
import { describeSettings } from '../settings.js';
import type { CaseResult } from '../types.js';
import { WRITE_WARNING, summaryLine, type Output } from './output.js';

export function prettyReporter(out: Output): RunListener {
  return {
    onStart(info) {
      const { facts, profile, total, leftOut } = info;
      const version = facts.serverVersion === null ? 'unknown version' : `serverVersion ${facts.serverVersion}`;
      const persist = facts.persistEnabled === null ? 'persistEnabled not reported' : `persistEnabled ${facts.persistEnabled}`;
      out.write(`nemesisdb-conformance: ${facts.url} (${version}, ${persist})\n`);
      out.write(`profile ${profile}: ${total} cases${leftOut > 0 ? `, ${leftOut} left out by profile/filters` : ''}\n`);
      out.write(`settings: ${describeSettings(info.settings)}\n`);
      writeWarnings(out, info);
      out.write(`${WRITE_WARNING}\n\n`);
    },
    onCaseEnd(result, index, total) {
      out.write(`${progressLine(result, index, total)}\n`);
      if (result.status === 'failed' || result.status === 'expected-failure') out.write(`${indent(result.message ?? '', 6)}\n`);
    },
    onEnd(summary, results) {
      const failed = results.filter((r) => r.status === 'failed');
      if (failed.length > 0) {
        out.write(`\nFailed cases:\n`);
        for (const r of failed) out.write(`  ✗ ${r.case.id}\n${indent(r.message ?? '', 6)}\n`);
      }
      out.write(`\n${summaryLine(summary)}\n`);
    },
  };
}

/** Compact progress for machine reporters: one line per case and the summary line. */
export function progressReporter(out: Output): RunListener {
  return {
    onStart(info) {
      out.write(`nemesisdb-conformance: ${info.facts.url}, profile ${info.profile}, ${info.total} cases\n`);
      out.write(`settings: ${describeSettings(info.settings)}\n`);
      writeWarnings(out, info);
      out.write(`${WRITE_WARNING}\n`);
    },
    onCaseEnd(result, index, total) {
      out.write(`${progressLine(result, index, total)}\n`);
    },
    onEnd(summary) {
      out.write(`${summaryLine(summary)}\n`);
    },
  };
}

function progressLine(result: CaseResult, index: number, total: number): string {
  const counter = `[${String(index + 1).padStart(String(total).length)}/${total}]`;
  if (result.status === 'passed') return `${counter} ✓ ${result.case.id} (${result.durationMs} ms)`;
  if (result.status === 'skipped') return `${counter} - ${result.case.id} (skipped: ${result.message ?? ''})`;
  if (result.status === 'expected-failure')
    return `${counter} ✗ ${result.case.id} (${result.durationMs} ms, failed as expected: ${result.expectedFailure ?? ''})`;
  if (result.unexpectedPass) return `${counter} ✗ ${result.case.id} (${result.durationMs} ms, passed but expected to fail)`;
  return `${counter} ✗ ${result.case.id} (${result.durationMs} ms)`;
}

function writeWarnings(out: Output, info: RunStart): void {
  for (const warning of info.warnings) out.write(`warning: ${warning}\n`);
}

function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => pad + line)
    .join('\n');
}
