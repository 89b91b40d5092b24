import { join } from 'node:path';
import { readToken, sharedSessionName, isJsonObject, type RequestBody } from '@nemesisdb/protocol';
import type { Engine, JournalFailure } from '../engine.js';
import { describeFileError, nodeFileSystem, syncDirectory, type FileSystem } from '../files/file-system.js';
import { isPromise } from '../maybe-promise.js';
import { FilePersistence } from '../persist/file-persistence.js';
import { expirySettings } from '../commands/sh.js';
import { NO_SESSION } from '../store/store.js';
import { JournalFile, type FsyncPolicy, type JournalFileOptions } from './journal-file.js';
import { scanLog, type LogDamage } from './log-scan.js';

export interface JournalOptions {
  /** Directory of the journal: `<persist.path>/journal` in the app. */
  directory: string;
  fsync: FsyncPolicy;
  /** A checkpoint is taken once the current log reaches this size. Default 64 MiB. */
  compactBytes?: number;
  /** How long a reply waits for a failing journal before its connection is closed. Default 30 s. */
  holdTimeoutMs?: number;
  /** Tests inject a file system that fails. */
  fs?: FileSystem;
  /** Told about failures and about what recovery found. */
  logger?: {
    info(fields: object, message?: string): void;
    warn(fields: object, message?: string): void;
    error(fields: object, message?: string): void;
  };
}

export const DEFAULT_COMPACT_BYTES = 64 * 1024 * 1024;

/** What `Journal.open` found and replayed. */
export interface RecoveryReport {
  checkpoint: number | null;
  sessions: number;
  keys: number;
  records: number;
  /** A last record cut short by a crash (skipped, and the log copied to `damaged/`). */
  skipped: number;
}

/** A damaged journal (anything but a last record a crash cut short): the server must not start on part of its data. */
export class JournalDamagedError extends Error {
  constructor(
    readonly path: string,
    readonly damage: LogDamage,
    readonly directory: string,
  ) {
    super(
      `journal damaged: ${path} at byte ${damage.offset} (record ${damage.number}: ${damage.reason}); ` +
        `nothing was changed. Inspect with "nemesisdb check-journal ${directory}", ` +
        `repair with "nemesisdb check-journal ${directory} --fix" (keeps a backup, drops that record and everything after it)`,
    );
  }
}

/** A record the store writes itself: a session expired (deleted, or its keys cleared). */
const EXPIRE = '$EXPIRE';
/** Where logs with a torn last record are copied before anything can remove them. */
export const DAMAGED_DIRECTORY = 'damaged';

/**
 * The journal (beyond upstream): every change, appended before its reply, so that a crash loses
 * nothing acknowledged: with `fsync: "always"` not even a power loss, with `everysec` and `no`
 * not a crash of the process (see `JournalFile` for each policy's loss window).
 *
 * On disk, in `directory`:
 * - `log-<n>`: checksummed records, one JSON command per line, in the order they were applied;
 * - `checkpoint-<n>`: the whole data (a `sessions` and a `kv` dataset in upstream's format) as it
 *   was when `log-<n>` was started.
 * Recovery loads the newest checkpoint and replays the logs from its number on. A checkpoint is
 * taken after every SAVE and LOAD, when the log outgrows `compactBytes`, and on close; older
 * checkpoints and logs are then deleted, so the journal stays about the size of the data.
 *
 * While the log cannot be written (a full or failing disk) the journal is *failed*: the engine
 * refuses every change before applying it, replies waiting for the disk are held, and the log is
 * retried until it can be written again (see `JournalFile`).
 */
export class Journal {
  private compacting: Promise<void> | null = null;
  private closed = false;
  private readonly fs: FileSystem;
  private readonly failingFiles = new Map<JournalFile, Error>();
  private failureState: JournalFailure | null = null;

  private constructor(
    private readonly engine: Engine,
    private readonly options: JournalOptions,
    private file: JournalFile,
    private sequence: number,
  ) {
    this.fs = options.fs ?? nodeFileSystem;
  }

  /**
   * Recovers the journal in `options.directory` into `engine` (checkpoint, then logs), starts a new
   * log and attaches itself to the engine, which from then on journals every change. Throws
   * `JournalDamagedError` (changing nothing on disk) when a log is damaged anywhere but in a last record cut short by a crash.
   */
  static async open(engine: Engine, options: JournalOptions): Promise<{ journal: Journal; report: RecoveryReport }> {
    const fs = options.fs ?? nodeFileSystem;
    const directory = options.directory;
    await fs.mkdir(directory, { recursive: true });
    const entries = await fs.readdir(directory);
    await removeStaleStaging(fs, directory, entries, options.logger);
    const checkpoint = greatest(entries, /^checkpoint-(\d+)$/);
    const report: RecoveryReport = { checkpoint, sessions: 0, keys: 0, records: 0, skipped: 0 };
    const logs = numbered(entries, /^log-(\d+)$/).filter((n) => checkpoint === null || n >= checkpoint);
    // Every log is read and checked before anything is applied: damage stops the start unchanged.
    const scans = [];
    for (const [i, n] of logs.entries()) {
      const path = join(directory, `log-${n}`);
      const scan = scanLog(await fs.readFile(path));
      const newest = i === logs.length - 1;
      if (scan.damage.length > 0 && !(newest && scan.tornTail)) throw new JournalDamagedError(path, scan.damage[0]!, directory);
      scans.push({ n, path, scan });
    }
    if (checkpoint !== null) await restoreCheckpoint(engine, join(directory, `checkpoint-${checkpoint}`), report, fs);
    for (const { n, path, scan } of scans) {
      for (const record of scan.records) {
        await apply(engine, record.value);
        report.records++;
      }
      if (scan.tornTail) {
        report.skipped++;
        const copy = await keepTornLog(fs, directory, n, path, scan.goodBytes);
        const damage = scan.damage[0]!;
        options.logger?.warn(
          { path, offset: damage.offset, record: damage.number, reason: damage.reason, copy },
          'journal: the last record was cut short (a crash while it was written) and is skipped; the log is kept as a copy',
        );
      }
    }
    const sequence = Math.max(checkpoint ?? 0, ...logs, 0) + 1;
    // The file reports failures to the journal, which needs the file to exist first.
    const created: { journal?: Journal } = {};
    const file = await JournalFile.create(
      join(directory, `log-${sequence}`),
      Journal.fileOptions(options, fs, () => created.journal),
    );
    await syncDirectory(directory, fs);
    const journal = (created.journal = new Journal(engine, options, file, sequence));
    engine.attachJournal(journal);
    return { journal, report };
  }

  /** Set while the log cannot be written: the engine refuses changes with its `message`. */
  get failure(): JournalFailure | null {
    return this.failureState;
  }

  /** Appends one record; the promise settles once it is as durable as the fsync policy makes it. */
  append(record: string): Promise<void> | undefined {
    const durable = this.file.append(record);
    if (this.file.bytes >= (this.options.compactBytes ?? DEFAULT_COMPACT_BYTES)) void this.compact();
    return durable;
  }

  /** Settles once every change appended so far is durable (null: nothing to wait for). */
  durability(): Promise<void> | null {
    return this.file.durability();
  }

  /** Records that a session expired (the store applies expiry itself, between commands). No reply waits for it. */
  expired(token: bigint): void {
    this.file.append(`{"${EXPIRE}":{"tkn":${token}}}`, false);
  }

  /**
   * Writes the whole data as a checkpoint and starts a new log; older checkpoints and logs are
   * then deleted. The data is snapshotted in the same turn the new log starts, so the checkpoint
   * plus the new log is exactly the state from then on. Not while the journal is failing (the
   * disk is the problem), and a checkpoint that fails keeps the logs: it never loses anything.
   */
  compact(): Promise<void> {
    if (this.closed || this.failureState !== null) return Promise.resolve();
    this.compacting ??= this.writeCheckpoint()
      .catch((error: unknown) => this.options.logger?.error({ err: error }, 'journal checkpoint failed; the logs are kept'))
      .finally(() => {
        this.compacting = null;
      });
    return this.compacting;
  }

  /** Takes a last checkpoint (so the next start needs no replay), then closes the log. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.compacting;
    await this.compact();
    this.closed = true;
    await this.file.close();
  }

  private noteFailure(file: JournalFile, error: Error): void {
    this.failingFiles.set(file, error);
    if (this.failureState !== null) return;
    const cause = describeFileError(error);
    this.failureState = {
      cause,
      since: Date.now(),
      message: `journal failed (${cause}): changes are refused until it can be written again; reads go on`,
    };
    this.options.logger?.error(
      { err: error, path: file.path, fsync: this.options.fsync },
      'journal write failed: refusing changes until the journal can be written; retrying',
    );
  }

  private noteRecovery(file: JournalFile): void {
    this.failingFiles.delete(file);
    if (this.failingFiles.size > 0 || this.failureState === null) return;
    const failedMs = Date.now() - this.failureState.since;
    this.failureState = null;
    this.options.logger?.info({ path: file.path, failedMs }, 'journal written again: accepting changes');
  }

  private async writeCheckpoint(): Promise<void> {
    const directory = this.options.directory;
    const fs = this.fs;
    const sequence = this.sequence + 1;
    const previous = this.file;
    const next = await JournalFile.create(join(directory, `log-${sequence}`), {
      ...Journal.fileOptions(this.options, fs, () => this),
      after: previous.drain(),
    });
    // Same turn: the new log starts exactly where the snapshot is taken.
    this.file = next;
    this.sequence = sequence;
    const store = this.engine.store;
    const sessions = await store.sessions.snapshot();
    const keys = await store.kv.snapshot();
    // The new log writes only after the previous one is on disk (its `after`), so records stay in order.
    await previous.drain();
    await previous.close();
    const staging = join(directory, `.checkpoint-${sequence}.saving`);
    await fs.rm(staging, { recursive: true, force: true });
    await fs.mkdir(staging);
    try {
      const writer = new FilePersistence({ path: staging, enabled: true, fs });
      const savedSessions = await writer.save('sessions', { kind: 'sessions', sessions });
      const savedKeys = await writer.save('kv', { kind: 'kv', keys });
      if (savedSessions.st !== 121 || savedKeys.st !== 121)
        throw new Error(`checkpoint not written (sessions ${savedSessions.st}, kv ${savedKeys.st})`);
      await syncDirectory(staging, fs);
      await fs.rename(staging, join(directory, `checkpoint-${sequence}`));
      await syncDirectory(directory, fs);
    } catch (error) {
      await fs.rm(staging, { recursive: true, force: true }).catch(() => {});
      throw error;
    }
    // Only now is everything before `sequence` redundant.
    for (const entry of await fs.readdir(directory)) {
      const match = /^(checkpoint|log)-(\d+)$/.exec(entry);
      if (match && Number(match[2]) < sequence) await fs.rm(join(directory, entry), { recursive: true, force: true });
    }
  }

  /** Options of each log file: its failures and recoveries make the journal's state. */
  private static fileOptions(options: JournalOptions, fs: FileSystem, journal: () => Journal | undefined): JournalFileOptions {
    return {
      fsync: options.fsync,
      fs,
      holdTimeoutMs: options.holdTimeoutMs,
      onFailure: (error, file) => journal()?.noteFailure(file, error),
      onRecovery: (file) => journal()?.noteRecovery(file),
    };
  }
}

/** Staging directories of checkpoints a crash interrupted: never complete, safe to remove. */
async function removeStaleStaging(
  fs: FileSystem,
  directory: string,
  entries: readonly string[],
  logger: JournalOptions['logger'],
): Promise<void> {
  for (const entry of entries) {
    if (!/^\.checkpoint-\d+\.saving$/.test(entry)) continue;
    await fs.rm(join(directory, entry), { recursive: true, force: true });
    logger?.info({ path: join(directory, entry) }, 'removed an unfinished journal checkpoint left by a crash');
  }
}

/**
 * A log whose last record a crash cut short: copied as it is to `damaged/` (kept, never deleted),
 * then cut back to its last complete record, so that it no longer reads as damaged once newer
 * logs follow it (only the newest log may end in a torn record).
 */
async function keepTornLog(fs: FileSystem, directory: string, n: number, path: string, goodBytes: number): Promise<string> {
  const kept = join(directory, DAMAGED_DIRECTORY);
  await fs.mkdir(kept, { recursive: true });
  const copy = join(kept, `log-${n}.torn-${Date.now()}`);
  await fs.copyFile(path, copy);
  await syncDirectory(kept, fs);
  const file = await fs.open(path, 'r+');
  try {
    await file.truncate(goodBytes);
    await file.sync();
  } finally {
    await file.close();
  }
  return copy;
}

async function restoreCheckpoint(engine: Engine, path: string, report: RecoveryReport, fs: FileSystem): Promise<void> {
  const reader = new FilePersistence({ path, enabled: false, fs });
  const sessions = await reader.load('sessions', 'sessions');
  const keys = await reader.load('kv', 'kv');
  const failed = !sessions.ok ? sessions.reason : !keys.ok ? keys.reason : null;
  if (failed !== null) {
    throw new Error(
      `journal checkpoint ${path} cannot be read (${failed}); nothing was changed. Inspect it with "nemesisdb check-dataset ${path}"`,
    );
  }
  if (sessions.ok && sessions.dataset.kind === 'sessions') {
    const records = [...sessions.dataset.sessions];
    // The checkpoint is newer than anything loaded before it: its sessions replace same tokens.
    for (const record of records) await engine.store.sessions.end(record.token);
    const restored = await engine.store.sessions.restore(records);
    report.sessions += restored.sessions;
    report.keys += restored.keys;
  }
  if (keys.ok && keys.dataset.kind === 'kv') report.keys += await engine.store.kv.restore(keys.dataset.keys);
}

async function apply(engine: Engine, record: unknown): Promise<void> {
  if (!isJsonObject(record)) return;
  const sessions = engine.store.sessions;
  const created = record.SH_NEW;
  if (isJsonObject(created) && created.tkn !== undefined) {
    // SH_NEW is journaled with the token it produced: replay recreates that very session, with the
    // expiry and the shared name exactly as SH_NEW itself reads them.
    const token = readToken(created.tkn);
    if (token === undefined) return;
    const body = created as RequestBody<'SH_NEW'>;
    const name = sharedSessionName(body);
    const shared = typeof name === 'string';
    await sessions.restore([{ token, shared, ...(shared ? { name } : {}), expiry: expirySettings(body), keys: {} }]);
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
  // Replay is not traffic: it goes past the command counters.
  const reply = engine.replay(record);
  if (isPromise(reply)) await reply;
}

/** The numbers of the entries matching `pattern` (one group of digits), in numeric order. */
export function numbered(entries: readonly string[], pattern: RegExp): number[] {
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
