import { basename, join } from 'node:path';
import { nodeFileSystem, type FileSystem } from '../files/file-system.js';
import { checkDataset, type SaveCheck } from '../persist/check-dataset.js';
import { scanLog, type LogDamage } from './log-scan.js';
import { DAMAGED_DIRECTORY, numbered } from './journal.js';

export interface LogCheck {
  path: string;
  format: 1 | 2;
  records: number;
  damage: LogDamage[];
  /** Only the last record is damaged, cut short by a crash (see `LogScan.tornTail`): the server skips it by itself. */
  tornTail: boolean;
}

export interface JournalCheck {
  /** The checkpoint recovery starts from, and each of its two datasets. */
  checkpoint: { path: string; saves: SaveCheck[] } | null;
  /** The logs recovery replays, in order. */
  logs: LogCheck[];
  /** Whether the server starts on it as it is. */
  startable: boolean;
  /** With `fix`: what was done. */
  fixed: { backup: string; path: string; cutAtByte: number; recordsDropped: number }[];
}

/**
 * `nemesisdb check-journal DIR [--fix]`: reads every log of the journal in DIR the way recovery
 * does, and reports each damaged record with its byte offset. With `fix`, like `redis-check-aof
 * --fix`: the first damaged log is copied to `damaged/` and cut at its first bad record, and the
 * logs after it are moved to `damaged/` too, so the server starts with everything before the
 * damage. Nothing is deleted.
 */
export async function checkJournal(directory: string, options: { fix?: boolean; fs?: FileSystem } = {}): Promise<JournalCheck> {
  const fs = options.fs ?? nodeFileSystem;
  const entries = await fs.readdir(directory);
  const checkpoints = numbered(entries, /^checkpoint-(\d+)$/);
  const newest = checkpoints.at(-1) ?? null;
  let checkpoint: JournalCheck['checkpoint'] = null;
  if (newest !== null) {
    const path = join(directory, `checkpoint-${newest}`);
    const saves: SaveCheck[] = [];
    for (const name of ['sessions', 'kv']) saves.push(...(await checkDataset(join(path, name), { fs })).saves);
    checkpoint = { path, saves };
  }
  const logs: LogCheck[] = [];
  /** Per log: good records at or after its first damage (dropped by a cut there). */
  const afterDamage: number[] = [];
  for (const n of numbered(entries, /^log-(\d+)$/).filter((n) => newest === null || n >= newest)) {
    const path = join(directory, `log-${n}`);
    const scan = scanLog(await fs.readFile(path));
    logs.push({ path, format: scan.format, records: scan.records.length, damage: scan.damage, tornTail: scan.tornTail });
    afterDamage.push(scan.records.filter((record) => record.offset > scan.goodBytes).length);
  }
  const firstDamaged = logs.findIndex((log, i) => log.damage.length > 0 && !(log.tornTail && i === logs.length - 1));
  const checkpointDamaged = checkpoint?.saves.some((save) => save.problems.length > 0) ?? false;
  const fixed: JournalCheck['fixed'] = [];
  if (options.fix && firstDamaged >= 0) {
    const kept = join(directory, DAMAGED_DIRECTORY);
    await fs.mkdir(kept, { recursive: true });
    const stamp = Date.now();
    const log = logs[firstDamaged]!;
    const cutAt = log.damage[0]!.offset;
    const backup = join(kept, `${basename(log.path)}.backup-${stamp}`);
    await fs.copyFile(log.path, backup);
    const file = await fs.open(log.path, 'r+');
    try {
      await file.truncate(cutAt);
      await file.sync();
    } finally {
      await file.close();
    }
    fixed.push({ backup, path: log.path, cutAtByte: cutAt, recordsDropped: afterDamage[firstDamaged]! + log.damage.length });
    for (const later of logs.slice(firstDamaged + 1)) {
      const moved = join(kept, `${basename(later.path)}.backup-${stamp}`);
      await fs.rename(later.path, moved);
      fixed.push({ backup: moved, path: later.path, cutAtByte: 0, recordsDropped: later.records + later.damage.length });
    }
  }
  return { checkpoint, logs, startable: firstDamaged < 0 && !checkpointDamaged, fixed };
}
