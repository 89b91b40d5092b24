// Human-readable progress: one line per case as it finishes, failures repeated at the end, then
// the summary line.
import type { RunListener } from '../run.js';
import type { CaseResult } from '../types.js';
import { WRITE_WARNING, summaryLine, type Output } from './output.js';

export function prettyReporter(out: Output): RunListener {
  return {
    onStart({ facts, profile, total, leftOut }) {
      const version = facts.serverVersion === null ? 'unknown version' : `serverVersion ${facts.serverVersion}`;
      out.write(`nemesisdb-conformance: ${facts.url} (${version}, persistEnabled ${facts.persistEnabled})\n`);
      out.write(`profile ${profile}: ${total} cases${leftOut > 0 ? `, ${leftOut} left out by profile/filters` : ''}\n`);
      out.write(`${WRITE_WARNING}\n\n`);
    },
    onCaseEnd(result, index, total) {
      out.write(`${progressLine(result, index, total)}\n`);
      if (result.status === 'failed') out.write(`${indent(result.message ?? '', 6)}\n`);
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
    onStart({ facts, profile, total }) {
      out.write(`nemesisdb-conformance: ${facts.url}, profile ${profile}, ${total} cases\n${WRITE_WARNING}\n`);
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
  return `${counter} ✗ ${result.case.id} (${result.durationMs} ms)`;
}

function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((line) => pad + line)
    .join('\n');
}
