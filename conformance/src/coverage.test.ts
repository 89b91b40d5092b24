// The coverage rule of the docs: every command, and every status docs/reference/protocol.md lists for it, is
// expected by at least one documented case (statuses.ts is the hand-written list). The docs page
// showing the table must be the one generated from the cases.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMMAND_NAMES } from '@nemesisdb/protocol';
import { describe, expect, it } from 'vitest';
import { extractFromDocs } from './corpus.js';
import { computeCoverage, findGaps } from './coverage.js';
import { replaceCoverageBlock } from './coverage-page.js';
import { COMMAND_STATUSES, NOT_PROVOKABLE } from './statuses.js';

const docs = fileURLToPath(new URL('../../docs', import.meta.url));
const cases = extractFromDocs(docs);

describe('coverage of the documented cases', () => {
  it('has a row for every command of the protocol', () => {
    expect(
      Object.keys(COMMAND_STATUSES)
        .filter((row) => row !== '(request)')
        .sort(),
    ).toEqual([...COMMAND_NAMES].sort());
  });

  it('lists only real (command, status) pairs as not provokable', () => {
    for (const n of NOT_PROVOKABLE) expect(COMMAND_STATUSES[n.command], `${n.command} ${n.st}`).toContain(n.st);
  });

  it('has a case for every listed status, and lists every status a case expects', () => {
    const gaps = findGaps(computeCoverage(cases));
    expect(gaps.missing, 'statuses without a case').toEqual([]);
    expect(gaps.unlisted, 'statuses expected by cases but not listed for the command in statuses.ts').toEqual([]);
    expect(gaps.provokedAnyway, 'statuses listed as not provokable that a case provokes').toEqual([]);
    expect(gaps.missingCloseCodes, 'close codes without a case').toEqual([]);
  });

  it('has a case for every command', () => {
    const tagged = new Set(cases.flatMap((c) => c.tags));
    expect(COMMAND_NAMES.filter((name) => !tagged.has(name))).toEqual([]);
  });

  it('shows the current table in docs/conformance/coverage.md', () => {
    const page = readFileSync(`${docs}/conformance/coverage.md`, 'utf8');
    expect(page === replaceCoverageBlock(page, cases), 'stale: run `pnpm --filter @nemesisdb/conformance coverage-table`').toBe(true);
  });
});
