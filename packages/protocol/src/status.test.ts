import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STATUS_MEANINGS, Status, isSuccess, statusName } from './status.js';

const PROTOCOL_DOC = new URL('../../../docs/reference/protocol.md', import.meta.url);

/** The `| st | Code name | …` rows of the protocol reference's §5, as `{ name: st }`. */
function documentedStatuses(): Record<string, number> {
  const doc = readFileSync(PROTOCOL_DOC, 'utf8');
  const section = doc.slice(doc.indexOf('## 5. Status values'), doc.indexOf('## 6.'));
  const rows = [...section.matchAll(/^\| (\d+) \| (\w+) \|/gm)];
  expect(rows.length).toBeGreaterThan(20); // the table was found and read
  return Object.fromEntries(rows.map(([, st, name]) => [name!, Number(st)]));
}

describe('Status', () => {
  it('has the numbers of docs/reference/protocol.md §5', () => {
    // Checked against the table the docs give readers, not a copy of it: a status added, renamed
    // or renumbered in one place only fails here.
    expect(Status).toEqual(documentedStatuses());
  });

  it('names every number once, and nothing else', () => {
    for (const [name, code] of Object.entries(Status)) expect(statusName(code)).toBe(name);
    for (const removed of [20, 21, 23, 24, 27, 143, 0, 999]) expect(statusName(removed)).toBeUndefined();
    expect(Object.keys(STATUS_MEANINGS).sort()).toEqual(Object.keys(Status).sort());
  });

  it('treats 1 as success, except 121 for SAVE and 141 for LOAD', () => {
    expect(isSuccess('SH_NEW', 1)).toBe(true);
    expect(isSuccess('KV_GET', 22)).toBe(false);
    expect(isSuccess('SH_SAVE', 121)).toBe(true);
    expect(isSuccess('KV_SAVE', 1)).toBe(false);
    expect(isSuccess('KV_LOAD', 141)).toBe(true);
    expect(isSuccess('SH_LOAD', 140)).toBe(false);
  });
});
