// Where reporters write: anything with write(string) (process.stdout, a file stream, a test buffer).
import type { RunListener, RunStart } from '../run.js';
import type { CaseResult, Summary } from '../types.js';

export interface Output {
  write(text: string): unknown;
}

/**
 * `N passed, M failed, K skipped` — the one line every reporter prints at the end, with
 * `, E failed as expected` when an expect-fail list matched (the line is unchanged otherwise).
 */
export function summaryLine(summary: {
  passed: number;
  failed: number;
  skipped: number;
  expectedFailures?: number;
  durationMs: number;
}): string {
  const expected = summary.expectedFailures ? `, ${summary.expectedFailures} failed as expected` : '';
  return `${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped${expected} (${(summary.durationMs / 1000).toFixed(1)} s)`;
}

/** What the suite does to a server, said before every run. */
export const WRITE_WARNING =
  'This suite writes to the server: it creates and ends sessions, sets and removes keys, clears ALL KV keys and ends ALL sessions ' +
  '(cases tagged destructive) and saves datasets under its persist path. Point it only at a server whose data you can lose.';

/**
 * A reporter that writes one document when the run ends (JSON, Markdown): `report` gets what the
 * run said at its start (null if it never started) with the summary and every result.
 */
export function endOfRunReporter(report: (start: RunStart | null, summary: Summary, results: readonly CaseResult[]) => void): RunListener {
  let start: RunStart | null = null;
  return {
    onStart(info) {
      start = info;
    },
    onEnd(summary, results) {
      report(start, summary, results);
    },
  };
}
