import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32Of, encodeRecordLine, encodeRecords, readRecordLine } from './record-format.js';

describe('journal record checksums', () => {
  it('crc32Of is zlib.crc32, short input (table loop) and long (native)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat(), (bytes, cut) => {
        const start = bytes.length === 0 ? 0 : cut % bytes.length;
        expect(crc32Of(bytes, start, bytes.length)).toBe(crc32(bytes.subarray(start)));
      }),
      { numRuns: 1000 },
    );
  });

  it('every record of a group reads back with its checksum, whatever its characters', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: 'grapheme', maxLength: 40 }).map((text) => JSON.stringify({ KV_SET: { keys: { k: text } } })),
          { minLength: 1, maxLength: 20 },
        ),
        (jsons) => {
          const data = encodeRecords(
            jsons,
            jsons.map((json) => Buffer.byteLength(json)),
          );
          let offset = 0;
          for (const json of jsons) {
            const end = data.indexOf(0x0a, offset);
            expect(readRecordLine(data, offset, end)).toEqual({ ok: true, json });
            offset = end + 1;
          }
          expect(offset).toBe(data.length);
        },
      ),
    );
  });

  it('writes the checksum zlib computes over the UTF-8 of the JSON', () => {
    const json = '{"KV_SET":{"keys":{"héllo €":"𝄞"}}}';
    expect(encodeRecordLine(json)).toBe(`${crc32(json).toString(16).padStart(8, '0')} ${json}`);
  });
});
