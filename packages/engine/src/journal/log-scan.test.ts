import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanLog } from './log-scan.js';
import { encodeRecordLine, journalHeader } from './record-format.js';

const record = fc.record({ key: fc.string({ maxLength: 12 }), value: fc.oneof(fc.integer(), fc.string({ maxLength: 20 }), fc.boolean()) });
const log = (records: { key: string; value: unknown }[]) =>
  Buffer.from(
    journalHeader() + records.map((r) => encodeRecordLine(JSON.stringify({ KV_SET: { keys: { [r.key]: r.value } } })) + '\n').join(''),
  );

describe('scanLog', () => {
  it('reads back every record of an intact log, with its offset', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 30 }), (records) => {
        const bytes = log(records);
        const scan = scanLog(bytes);
        expect(scan).toMatchObject({ format: 2, damage: [], tornTail: false, goodBytes: bytes.length });
        expect(scan.records.map((r) => r.number)).toEqual(records.map((_, i) => i + 1));
        for (const r of scan.records) expect(bytes[r.offset - 1]).toBe(0x0a);
      }),
    );
  });

  it('finds any change to a byte, and never throws on what it reads', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 20 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (records, at, xor) => {
        const bytes = log(records);
        const index = journalHeader().length + (at % (bytes.length - journalHeader().length));
        const damaged = Buffer.from(bytes);
        damaged[index] = damaged[index]! ^ xor;
        const scan = scanLog(damaged);
        // A changed byte is damage, or (when it is a newline turned into another byte, or the other
        // way round) at least one record less or more that does not check out.
        expect(scan.damage.length > 0 || scan.records.length !== records.length).toBe(true);
        expect(scan.goodBytes).toBeLessThanOrEqual(index + 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('a changed byte in a complete last record is damage (bit rot of an acknowledged record), not a torn tail', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 20 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (records, at, xor) => {
        const bytes = log(records);
        const lastLine = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
        const index = lastLine + (at % (bytes.length - 1 - lastLine)); // any byte of the line but its newline
        const damaged = Buffer.from(bytes);
        damaged[index] = damaged[index]! ^ xor;
        fc.pre(damaged[index] !== 0x0a && damaged[index] !== 0);
        const scan = scanLog(damaged);
        expect(scan.damage).toHaveLength(1);
        expect(scan.tornTail).toBe(false);
        expect(scan.goodBytes).toBe(lastLine);
      }),
      { numRuns: 1000 },
    );
  });

  it('a last line holding zero bytes (the file grew before its data reached the disk) is torn, even when a newline follows', () => {
    const bytes = log([
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
    ]);
    const lastLine = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
    const zeroed = Buffer.from(bytes);
    zeroed.fill(0, lastLine + 4, lastLine + 12);
    expect(scanLog(zeroed)).toMatchObject({ tornTail: true, goodBytes: lastLine });
  });

  it('cut anywhere: only a torn last record, everything before it intact', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 20 }), fc.nat(), (records, at) => {
        const bytes = log(records);
        const cut = journalHeader().length + (at % (bytes.length - journalHeader().length));
        const scan = scanLog(bytes.subarray(0, cut));
        expect(scan.damage.length).toBeLessThanOrEqual(1);
        if (scan.damage.length === 1) expect(scan.tornTail).toBe(true);
        const complete = bytes.subarray(journalHeader().length, cut).filter((byte) => byte === 0x0a).length;
        // Every complete line is read; a cut just before a newline leaves a whole record, which is read too.
        expect(scan.records.length - complete).toBeGreaterThanOrEqual(0);
        expect(scan.records.length - complete).toBeLessThanOrEqual(1);
      }),
    );
  });
});
