import { crc32 } from 'node:zlib';

/**
 * How journal records are written, so that damage is found rather than replayed.
 *
 * A log starts with the line `nemesisdb-journal 2`; every record after it is one line:
 * `<crc32 of the JSON, 8 hex digits> <JSON command>`. A log without that first line is one written
 * before checksums (format 1: one JSON command per line) and is read as such.
 *
 * CRC-32 comes from Node's own `zlib.crc32` (native, Node ≥ 20.15): no dependency, and it costs a
 * few per cent of journal throughput (measured in bench/journal.bench.ts). CRC-32 catches every
 * burst error up to 32 bits and all but 1 in 4·10⁹ random corruptions, which is what a journal
 * needs: it detects damage, it is not a defence against someone forging records.
 */
export const JOURNAL_HEADER = 'nemesisdb-journal 2';
const HEADER_LINE = `${JOURNAL_HEADER}\n`;

/** The first bytes of a new log. */
export function journalHeader(): string {
  return HEADER_LINE;
}

/** One record as its line (without the newline). */
export function encodeRecordLine(json: string): string {
  return `${checksumHex(json)} ${json}`;
}

function checksumHex(text: string): string {
  return crc32(text).toString(16).padStart(8, '0');
}

/** One line of a log, read back. */
export type ReadRecord =
  | { ok: true; json: string }
  | { ok: false; reason: string };

/** Checks one line of a checksummed log and returns its JSON. */
export function readRecordLine(line: string): ReadRecord {
  if (line.length < 10 || line[8] !== ' ' || !/^[0-9a-f]{8}$/.test(line.slice(0, 8))) {
    return { ok: false, reason: 'not a record (no checksum)' };
  }
  const json = line.slice(9);
  if (checksumHex(json) !== line.slice(0, 8)) return { ok: false, reason: 'checksum mismatch' };
  return { ok: true, json };
}
