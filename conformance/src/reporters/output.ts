// Where reporters write: anything with write(string) (process.stdout, a file stream, a test buffer).
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
