import { crc32 as nativeCrc32 } from 'node:zlib';

/**
 * How journal records are written, so that damage is found rather than replayed.
 *
 * A log starts with the line `nemesisdb-journal 2`; every record after it is one line:
 * `<CRC-32 of the JSON's UTF-8 bytes, 8 hex digits> <JSON command>`. A log without that first line
 * is one written before checksums (format 1: one JSON command per line) and is read as such.
 *
 * CRC-32 (IEEE, as zlib) catches every burst error up to 32 bits and all but 1 in 4·10⁹ random
 * corruptions: it detects damage, it is no defence against someone forging records.
 *
 * Why not only Node's `zlib.crc32`: records are small (~60 bytes for a KV_SET), and per record the
 * native call on the record's string (flattening, UTF-8 encoding, the call itself) plus the hex
 * formatting cost ~600 ns over the plain group encoding — 5–6 % of a journaled write's CPU in a
 * profile; the crc-32 package measured no better. So the group's bytes are encoded once
 * (`Buffer.from` of the joined lines, as before) and each record's checksum is computed over its
 * bytes in place: a slicing-by-8 table loop up to TABLE_LOOP_MAX_BYTES, `zlib.crc32` on the
 * slice above it (native wins on long input). Measured on groups of 1,024 KV_SET records (60
 * bytes): 31–52 ns per record to encode without checksums, 98–151 ns with them, so +65–100 ns
 * per record (it was +190 ns byte by byte) — 1.5–2.5 % of the ~4 µs of CPU the engine spends on a
 * journaled KV_SET, about 1 % of the ~7 µs the server spends on one.
 */
export const JOURNAL_HEADER = 'nemesisdb-journal 2';
const HEADER_LINE = `${JOURNAL_HEADER}\n`;
/** What a record's line starts with before its checksum is filled in: 8 digits and a space. */
export const CHECKSUM_PLACEHOLDER = '00000000 ';
const PREFIX_BYTES = CHECKSUM_PLACEHOLDER.length;
const TABLE_LOOP_MAX_BYTES = 352;

/** The first bytes of a new log. */
export function journalHeader(): string {
  return HEADER_LINE;
}

/**
 * Slicing-by-8 tables: TABLES[0] is the classic byte table, TABLES[t][n] the CRC of byte n followed
 * by t zero bytes, so eight bytes are folded per step with eight lookups instead of eight steps.
 * Measured on a 64-byte record: 52 ns, against 126 ns byte by byte and 185 ns for `zlib.crc32`
 * (its call and the slice cost more than the sum on short input; it wins above ~350 bytes).
 */
const TABLES = (() => {
  const tables = Array.from({ length: 8 }, () => new Int32Array(256));
  const first = tables[0]!;
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    first[n] = c;
  }
  for (let t = 1; t < 8; t++) {
    const previous = tables[t - 1]!;
    for (let n = 0; n < 256; n++) tables[t]![n] = first[previous[n]! & 0xff]! ^ (previous[n]! >>> 8);
  }
  return tables;
})();
const [T0, T1, T2, T3, T4, T5, T6, T7] = TABLES as [
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
  Int32Array,
];

/** CRC-32 of `bytes[start, end)`, the same value as `zlib.crc32` of those bytes. */
export function crc32Of(bytes: Uint8Array, start: number, end: number): number {
  if (end - start > TABLE_LOOP_MAX_BYTES) return nativeCrc32(bytes.subarray(start, end));
  let crc = -1;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const low = crc ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    const high = bytes[i + 4]! | (bytes[i + 5]! << 8) | (bytes[i + 6]! << 16) | (bytes[i + 7]! << 24);
    crc =
      T7[low & 0xff]! ^
      T6[(low >>> 8) & 0xff]! ^
      T5[(low >>> 16) & 0xff]! ^
      T4[low >>> 24]! ^
      T3[high & 0xff]! ^
      T2[(high >>> 8) & 0xff]! ^
      T1[(high >>> 16) & 0xff]! ^
      T0[high >>> 24]!;
  }
  for (; i < end; i++) crc = T0[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

const HEX_DIGITS = Buffer.from('0123456789abcdef');

/**
 * The lines of a group of records, ready to write: `json` joined, each behind its checksum and
 * followed by a newline. `byteLengths[i]` is `Buffer.byteLength(jsons[i])` (the journal has it
 * already, for its size).
 */
export function encodeRecords(jsons: readonly string[], byteLengths: readonly number[]): Buffer {
  const data = Buffer.from(CHECKSUM_PLACEHOLDER + jsons.join('\n' + CHECKSUM_PLACEHOLDER) + '\n');
  let offset = 0;
  for (const length of byteLengths) {
    writeChecksum(data, offset, crc32Of(data, offset + PREFIX_BYTES, offset + PREFIX_BYTES + length));
    offset += PREFIX_BYTES + length + 1;
  }
  return data;
}

function writeChecksum(data: Buffer, at: number, crc: number): void {
  for (let digit = 7; digit >= 0; digit--) {
    data[at + digit] = HEX_DIGITS[crc & 0xf]!;
    crc >>>= 4;
  }
}

/** One record as its line (without the newline): for tools and tests; the journal uses encodeRecords. */
export function encodeRecordLine(json: string): string {
  const data = encodeRecords([json], [Buffer.byteLength(json)]);
  return data.toString('utf8', 0, data.length - 1);
}

/** One line of a log, read back. */
export type ReadRecord = { ok: true; json: string } | { ok: false; reason: string };

/** Checks the line `data[start, end)` of a checksummed log and returns its JSON. */
export function readRecordLine(data: Buffer, start: number, end: number): ReadRecord {
  if (end - start < PREFIX_BYTES + 1 || data[start + 8] !== 0x20) return { ok: false, reason: 'not a record (no checksum)' };
  const digits = data.toString('latin1', start, start + 8);
  if (!/^[0-9a-f]{8}$/.test(digits)) return { ok: false, reason: 'not a record (no checksum)' };
  if (crc32Of(data, start + PREFIX_BYTES, end) !== Number.parseInt(digits, 16)) return { ok: false, reason: 'checksum mismatch' };
  return { ok: true, json: data.toString('utf8', start + PREFIX_BYTES, end) };
}
