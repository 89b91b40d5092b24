import { decode } from '@nemesisdb/protocol';
import { JOURNAL_HEADER, readRecordLine } from './record-format.js';

/** A record of a log that checked out: where it starts and its decoded command. */
export interface LogRecord {
  /** 1-based position among the log's records. */
  readonly number: number;
  /** Byte offset of its line in the file. */
  readonly offset: number;
  readonly value: unknown;
}

/** A record that did not check out. */
export interface LogDamage {
  readonly number: number;
  readonly offset: number;
  /** Bytes of the damaged line (without its newline). */
  readonly length: number;
  readonly reason: string;
}

/** What a log holds, record by record. */
export interface LogScan {
  /** 2: checksummed records after a header line; 1: plain JSON lines, written before checksums. */
  readonly format: 1 | 2;
  readonly records: LogRecord[];
  readonly damage: LogDamage[];
  /**
   * The only damage is the very last record, and it looks like what a crash in the middle of a
   * write leaves: a line never finished (no newline after it) or holding zero bytes (the file grew
   * before its data reached the disk). It was never acknowledged with `fsync: "always"`. A complete
   * last line that fails its checksum is bit rot of an acknowledged record: damage, not torn.
   */
  readonly tornTail: boolean;
  /** Where the first damaged record starts (the file's size when there is none): `--fix` cuts here. */
  readonly goodBytes: number;
  readonly bytes: number;
}

const NEWLINE = 0x0a;

/** Reads a whole log and checks every record (checksum, then JSON). */
export function scanLog(data: Buffer): LogScan {
  const records: LogRecord[] = [];
  const damage: LogDamage[] = [];
  let format: 1 | 2 = 1;
  let offset = 0;
  let number = 0;
  let first = true;
  while (offset < data.length) {
    let end = data.indexOf(NEWLINE, offset);
    const terminated = end >= 0;
    if (!terminated) end = data.length;
    const line = data.toString('utf8', offset, end);
    if (first) {
      first = false;
      if (line === JOURNAL_HEADER && terminated) {
        format = 2;
        offset = end + 1;
        continue;
      }
      // A header cut short by a crash right after the log was created: no record behind it.
      if (!terminated && JOURNAL_HEADER.startsWith(line)) {
        damage.push({ number: 0, offset, length: end - offset, reason: 'header cut short' });
        break;
      }
    }
    number++;
    const checked =
      format === 2 ? readRecordLine(data, offset, end) : line === '' ? { ok: 'skip' as const } : { ok: true as const, json: line };
    if (checked.ok === 'skip') {
      number--;
    } else if (checked.ok) {
      try {
        records.push({ number, offset, value: decode(checked.json, { exactNumbers: true, requestMaps: true }) });
      } catch {
        damage.push({ number, offset, length: end - offset, reason: 'not valid JSON' });
      }
    } else {
      damage.push({ number, offset, length: end - offset, reason: checked.reason });
    }
    offset = terminated ? end + 1 : end;
  }
  const firstDamage = damage[0];
  const lastRecord = records.at(-1);
  const tornTail =
    damage.length === 1 && (lastRecord === undefined || lastRecord.offset < firstDamage!.offset) && cutShort(data, firstDamage!);
  return { format, records, damage, tornTail, goodBytes: firstDamage?.offset ?? data.length, bytes: data.length };
}

/** Whether a damaged line looks cut short by a crash: no newline after it, or zero bytes in it. */
function cutShort(data: Buffer, line: LogDamage): boolean {
  const end = line.offset + line.length;
  return end === data.length || data.subarray(line.offset, end).includes(0);
}
