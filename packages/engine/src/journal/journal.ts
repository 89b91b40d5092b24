import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { decode, readToken } from '@nemesisdb/protocol';
import type { Engine } from '../engine.js';
import { isPromise } from '../maybe-promise.js';
import { FilePersistence } from '../persist/file-persistence.js';
import { syncDirectory } from '../persist/sync-directory.js';
import { isJsonObject } from '../objects.js';
import { NO_SESSION, type ExpirySettings } from '../store/store.js';
import { JournalFile, type FsyncPolicy } from './journal-file.js';

export interface JournalOptions {
  /** Directory of the journal: `<persist.path>/journal` in the app. */
  directory: string;
  fsync: FsyncPolicy;
  /** A checkpoint is taken once the current log reaches this size. Default 64 MiB. */
  compactBytes?: number;
  /** Told about failures and about what recovery found. */
  logger?: { info(fields: object, message?: string): void; warn(fields: object, message?: string): void; error(fields: object, message?: string): void };
}

export const DEFAULT_COMPACT_BYTES = 64 * 1024 * 1024;

/** What `Journal.open` found and replayed. */
export interface RecoveryReport {
  checkpoint: number | null;
  sessions: number;
  keys: number;
  records: number;
  /** A last record cut short by a crash, or a damaged one that ended the replay. */
  skipped: number;
}

/** A record the store writes itself: a session expired (deleted, or its keys cleared). */
const EXPIRE = '$EXPIRE';

/**
 * The journal (beyond upstream): every change, appended before its reply, so that a crash loses
 * nothing acknowledged (with `fsync: "always"`).
 *
 * On disk, in `directory`:
 * - `log-<n>`: records, one JSON command per line, in the order they were applied;
 * - `checkpoint-<n>`: the whole data (a `sessions` and a `kv` dataset in upstream's format) as it
 *   was when `log-<n>` was started.
 * Recovery loads the newest checkpoint and replays the logs from its number on. A checkpoint is
 * taken after every SAVE and LOAD, when the log outgrows `compactBytes`, and on close; older
 * checkpoints and logs are then deleted, so the journal stays about the size of the data.
 */
export class Journal {
  private compacting: Promise<void> | null = null;
  private closed = false;

  private constructor(
    private readonly engine: Engine,
    private readonly options: JournalOptions,
    private file: JournalFile,
    private sequence: number,
  ) {}

  /**
   * Recovers the journal in `options.directory` into `engine` (checkpoint, then logs), starts a new
   * log and attaches itself to the engine, which from then on journals every change.
   */
  static async open(engine: Engine, options: JournalOptions): Promise<{ journal: Journal; report: RecoveryReport }> {
    const directory = options.directory;
    await mkdir(directory, { recursive: true });
    const entries = await readdir(directory);
    const checkpoint = greatest(entries, /^checkpoint-(\d+)$/);
    const report: RecoveryReport = { checkpoint, sessions: 0, keys: 0, records: 0, skipped: 0 };
    if (checkpoint !== null) await restoreCheckpoint(engine, join(directory, `checkpoint-${checkpoint}`), report);
    const logs = numbered(entries, /^log-(\d+)$/).filter((n) => checkpoint === null || n >= checkpoint);
    for (const n of logs) await replay(engine, join(directory, `log-${n}`), report, options.logger);
    const sequence = Math.max(checkpoint ?? 0, ...logs, 0) + 1;
    const file = await JournalFile.create(join(directory, `log-${sequence}`), options.fsync, (error) =>
      options.logger?.error({ err: error }, 'journal write failed: changes are no longer durable'),
    );
    await syncDirectory(directory);
    const journal = new Journal(engine, options, file, sequence);
    engine.attachJournal(journal);
    return { journal, report };
  }

  /** Appends one record; with `fsync: "always"` the promise settles once it is on disk. */
  append(record: string): Promise<void> | undefined {
    const durable = this.file.append(record);
    if (this.file.bytes >= (this.options.compactBytes ?? DEFAULT_COMPACT_BYTES)) void this.compact();
    return durable;
  }

  /** With `fsync: "always"`: settles once everything appended so far is on disk (else null). */
  durability(): Promise<void> | null {
    return this.file.durability();
  }

  /** Records that a session expired (the store applies expiry itself, between commands). */
  expired(token: bigint): void {
    this.append(`{"${EXPIRE}":{"tkn":${token}}}`)?.catch(() => {});
  }

  /**
   * Writes the whole data as a checkpoint and starts a new log; older checkpoints and logs are
   * then deleted. The data is snapshotted in the same turn the new log starts, so the checkpoint
   * plus the new log is exactly the state from then on.
   */
  compact(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.compacting ??= this.writeCheckpoint().finally(() => {
      this.compacting = null;
    });
    return this.compacting;
  }

  /** Takes a last checkpoint (so the next start needs no replay), then closes the log. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.compacting;
    await this.writeCheckpoint();
    this.closed = true;
    await this.file.close();
  }

  private async writeCheckpoint(): Promise<void> {
    const directory = this.options.directory;
    const sequence = this.sequence + 1;
    const next = await JournalFile.create(join(directory, `log-${sequence}`), this.options.fsync, (error) =>
      this.options.logger?.error({ err: error }, 'journal write failed: changes are no longer durable'),
    );
    // Same turn: the new log starts exactly where the snapshot is taken.
    const previous = this.file;
    this.file = next;
    this.sequence = sequence;
    const store = this.engine.store;
    const sessions = await store.sessions.snapshot();
    const keys = await store.kv.snapshot();
    await previous.close();
    const staging = join(directory, `.checkpoint-${sequence}.saving`);
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging);
    const writer = new FilePersistence({ path: staging, enabled: true });
    const savedSessions = await writer.save('sessions', { kind: 'sessions', sessions });
    const savedKeys = await writer.save('kv', { kind: 'kv', keys });
    if (savedSessions.st !== 121 || savedKeys.st !== 121) {
      this.options.logger?.error({ sessions: savedSessions.st, kv: savedKeys.st }, 'journal checkpoint failed; the logs are kept');
      await rm(staging, { recursive: true, force: true });
      return;
    }
    await syncDirectory(staging);
    await rename(staging, join(directory, `checkpoint-${sequence}`));
    await syncDirectory(directory);
    // Only now is everything before `sequence` redundant.
    for (const entry of await readdir(directory)) {
      const match = /^(checkpoint|log)-(\d+)$/.exec(entry);
      if (match && Number(match[2]) < sequence) await rm(join(directory, entry), { recursive: true, force: true });
    }
  }
}

async function restoreCheckpoint(engine: Engine, path: string, report: RecoveryReport): Promise<void> {
  const reader = new FilePersistence({ path, enabled: false });
  const sessions = await reader.load('sessions', 'sessions');
  const keys = await reader.load('kv', 'kv');
  if (!sessions.ok || !keys.ok) throw new Error(`journal checkpoint ${path} cannot be read`);
  if (sessions.dataset.kind === 'sessions') {
    const records = [...sessions.dataset.sessions];
    // The checkpoint is newer than anything loaded before it: its sessions replace same tokens.
    for (const record of records) await engine.store.sessions.end(record.token);
    const restored = await engine.store.sessions.restore(records);
    report.sessions += restored.sessions;
    report.keys += restored.keys;
  }
  if (keys.dataset.kind === 'kv') report.keys += await engine.store.kv.restore(keys.dataset.keys);
}

/** Applies the records of one log; a last record cut short by a crash is skipped. */
async function replay(engine: Engine, path: string, report: RecoveryReport, logger: JournalOptions['logger']): Promise<void> {
  const text = await readFile(path, 'utf8');
  const lines = text.split('\n');
  // Whatever follows the last newline is empty, or a record a crash cut short.
  const complete = lines.length - 1;
  if (lines[complete] !== '') report.skipped++;
  for (let i = 0; i < complete; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    let record: unknown;
    try {
      record = decode(line, { exactNumbers: true });
    } catch {
      logger?.warn({ path, line: i + 1 }, 'journal record damaged: the replay stops there');
      report.skipped += complete - i;
      return;
    }
    await apply(engine, record);
    report.records++;
  }
}

async function apply(engine: Engine, record: unknown): Promise<void> {
  if (!isJsonObject(record)) return;
  const sessions = engine.store.sessions;
  const created = record.SH_NEW;
  if (isJsonObject(created) && created.tkn !== undefined) {
    // SH_NEW is journaled with the token it produced: replay recreates that very session.
    const token = readToken(created.tkn);
    if (token === undefined) return;
    const expiry = isJsonObject(created.expiry) ? created.expiry : undefined;
    const duration = expiry?.duration;
    const settings: ExpirySettings | undefined =
      expiry === undefined || duration === 0 || duration === 0n || duration === undefined
        ? undefined
        : {
            durationSeconds: duration as number | bigint,
            deleteSession: expiry.deleteSession === true,
            extendOnGet: expiry.extendOnGet === true,
            extendOnSetAdd: expiry.extendOnSetAdd === true,
          };
    await sessions.restore([{ token, shared: false, expiry: settings, keys: {} }]);
    return;
  }
  const expired = record[EXPIRE];
  if (isJsonObject(expired)) {
    const token = readToken(expired.tkn);
    if (token === undefined) return;
    const info = await sessions.info(token);
    if (info === NO_SESSION) return;
    if (info.expiry?.deleteSession) await sessions.end(token);
    else await sessions.clear(token);
    return;
  }
  const reply = engine.executeRequest(record);
  if (isPromise(reply)) await reply;
}

function numbered(entries: readonly string[], pattern: RegExp): number[] {
  return entries
    .map((entry) => pattern.exec(entry))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => Number(match[1]))
    .sort((a, b) => a - b);
}

function greatest(entries: readonly string[], pattern: RegExp): number | null {
  const all = numbered(entries, pattern);
  return all.length === 0 ? null : all[all.length - 1]!;
}
