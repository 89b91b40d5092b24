import { setTimeout as sleep } from 'node:timers/promises';
import { describeFileError, nodeFileSystem, writeFully, type FileSystem, type WritableFile } from '../files/file-system.js';
import { encodeRecords, journalHeader } from './record-format.js';

/** When appended records reach the disk (config `persist.journal.fsync`). */
export type FsyncPolicy = 'always' | 'everysec' | 'no';

/** A record's line beyond its JSON: the checksum, a space, the newline. */
const RECORD_OVERHEAD_BYTES = 10;
/** First and longest wait between two attempts to write a journal that failed. */
export const JOURNAL_RETRY_MS = { first: 100, max: 1000 } as const;
/** How long a reply waits for a failed journal before its connection is closed (never acknowledged). */
export const DEFAULT_HOLD_TIMEOUT_MS = 30_000;

export interface JournalFileOptions {
  fsync: FsyncPolicy;
  fs?: FileSystem;
  /** The file can no longer be written (first failure of a run of failures). */
  onFailure?: (error: Error, file: JournalFile) => void;
  /** It could be written again: everything appended so far is on disk (as the policy defines it). */
  onRecovery?: (file: JournalFile) => void;
  /** See {@link DEFAULT_HOLD_TIMEOUT_MS}. */
  holdTimeoutMs?: number;
  /** Writes start once this settles (the previous log's close), so records reach the disk in order. */
  after?: Promise<unknown>;
  retryMs?: { first: number; max: number };
}

/** Why a reply waiting for the journal was given up on: the journal stayed unwritable too long. */
export class JournalStalledError extends Error {
  constructor(
    override readonly cause: Error,
    holdTimeoutMs: number,
  ) {
    super(`journal failed (${describeFileError(cause)}) and could not be written for ${Math.round(holdTimeoutMs / 1000)} s`);
  }
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Records written together, and the replies waiting for them. */
interface Group {
  data: Buffer;
  waiters: Waiter[];
  readonly barrier: Promise<void> | null;
}

/**
 * An append-only log file of journal records, one per line (see record-format.ts).
 *
 * Records appended during one turn of the event loop are written together (one write, and with
 * `always` one `fdatasync`: group commit) while the next turn's records gather; one I/O operation
 * runs at a time, at explicit offsets, so records reach the file in append order and a retry
 * rewrites exactly the same bytes.
 * - `always`: `append` returns a promise that settles once its record is on disk (fdatasync);
 * - `everysec`: the promise settles once the record is written (in the kernel's page cache: a
 *   crash of the process loses nothing); the file is synced every second, so a crash of the
 *   machine loses at most the last second or so;
 * - `no`: as `everysec`, but the operating system decides when the file reaches the disk.
 * (Replies wait for these promises, as Redis writes its AOF before it replies.)
 *
 * Failure: a write or sync that fails (ENOSPC, EIO, EDQUOT, a short write that cannot complete)
 * puts the file in a failed state. Its records stay in memory; the file is cut back to the end of
 * the last durable record, and the whole unsynced tail is rewritten and synced on every retry
 * (after a failed fsync the kernel may have dropped the dirty pages, so "sync again" is not enough).
 * Waiting replies are held until that succeeds — or rejected after `holdTimeoutMs`, never
 * acknowledged. Records appended meanwhile (expiries, commands already under way) queue behind.
 */
export class JournalFile {
  /** Records (their JSON) not written yet, and their UTF-8 sizes. */
  private pending: string[] = [];
  private pendingLengths: number[] = [];
  private pendingWaiters: Waiter[] = [];
  private pendingBarrier: Promise<void> | null = null;
  /** The group being written, or the one that failed and is retried. */
  private current: Group | null = null;
  /** Written after `durable` and not yet synced (everysec): rewritten after a failed sync. */
  private unsynced: Buffer[] = [];
  /** File offset up to which everything is on disk (synced; for `no`: written). */
  private durable: number;
  /** File offset up to which everything is written. */
  private written: number;
  private worker: Promise<void> | null = null;
  private scheduled = false;
  private syncDue = false;
  private closing = false;
  private syncTimer: NodeJS.Timeout | null = null;
  private holdTimer: NodeJS.Timeout | null = null;
  private failure: Error | null = null;
  private readonly fs: FileSystem;
  private readonly holdTimeoutMs: number;
  private readonly retry: { first: number; max: number };
  private readonly after: Promise<unknown>;
  /** Bytes in the file so far (written or about to be). */
  bytes: number;

  private constructor(
    private readonly file: WritableFile,
    readonly path: string,
    private readonly options: JournalFileOptions,
    headerBytes: number,
  ) {
    this.fs = options.fs ?? nodeFileSystem;
    this.holdTimeoutMs = options.holdTimeoutMs ?? DEFAULT_HOLD_TIMEOUT_MS;
    this.retry = options.retryMs ?? JOURNAL_RETRY_MS;
    this.after = (options.after ?? Promise.resolve()).catch(() => {});
    this.durable = this.written = this.bytes = headerBytes;
    if (options.fsync === 'everysec') {
      this.syncTimer = setInterval(() => {
        this.syncDue = true;
        this.kick();
      }, 1000);
      this.syncTimer.unref();
    }
  }

  /** Creates `path` (it must not exist) with its header line on disk. */
  static async create(path: string, options: JournalFileOptions): Promise<JournalFile> {
    const fs = options.fs ?? nodeFileSystem;
    const file = await fs.open(path, 'wx');
    const header = Buffer.from(journalHeader());
    try {
      await writeFully(file, header, 0);
      await file.datasync();
    } catch (error) {
      await file.close().catch(() => {});
      await fs.rm(path, { force: true }).catch(() => {});
      throw error;
    }
    return new JournalFile(file, path, options, header.length);
  }

  /** The error that stopped writes, while they are failing. */
  get failed(): Error | null {
    return this.failure;
  }

  /**
   * Appends one record (its JSON, without a newline). With `acknowledged`, returns a promise that
   * settles when the record is as durable as the policy makes it (see above). Never throws: while the file is failing the
   * record waits in memory (refusing new changes is the engine's job, before it applies them).
   */
  append(json: string, acknowledged = true): Promise<void> | undefined {
    const byteLength = Buffer.byteLength(json);
    this.pending.push(json);
    this.pendingLengths.push(byteLength);
    this.bytes += byteLength + RECORD_OVERHEAD_BYTES;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.writeScheduled);
    }
    if (!acknowledged) return undefined;
    if (this.pendingBarrier === null) {
      this.pendingBarrier = new Promise<void>((resolve, reject) => this.pendingWaiters.push({ resolve, reject }));
      this.pendingBarrier.catch(() => {}); // whoever holds a reply handles it; nobody else must
    }
    return this.pendingBarrier;
  }

  /**
   * Settles once every acknowledged record appended so far is durable (as the policy defines it);
   * null when there is nothing to wait for. While failing, only records appended since the failure
   * are waited for, so replies that changed nothing (reads, refusals) go out.
   */
  durability(): Promise<void> | null {
    if (this.failure !== null) return this.pendingBarrier;
    return this.pendingBarrier ?? this.current?.barrier ?? null;
  }

  /**
   * Writes and syncs everything appended so far, then closes the file. A file that is failing is
   * tried once more; if that fails too, the error is thrown (with how many records are not on
   * disk) and the file is closed anyway.
   */
  async close(): Promise<void> {
    this.closing = true;
    if (this.syncTimer !== null) clearInterval(this.syncTimer);
    this.syncTimer = null;
    if (this.options.fsync === 'everysec') this.syncDue = true;
    try {
      await this.drain();
      if (this.failure !== null) {
        const lost =
          this.pending.length +
          (this.current === null ? 0 : countLines(this.current.data)) +
          this.unsynced.reduce((n, chunk) => n + countLines(chunk), 0);
        const error = new Error(
          `journal ${this.path} could not be written (${describeFileError(this.failure)}): ${lost} records are not on disk`,
        );
        this.rejectWaiting(error);
        throw error;
      }
    } finally {
      if (this.holdTimer !== null) clearTimeout(this.holdTimer);
      await this.file.close().catch(() => {});
    }
  }

  /** Settles once everything appended so far is written (and synced with `always`), or failed while closing. */
  async drain(): Promise<void> {
    while (this.worker !== null || this.pending.length > 0 || (this.syncDue && this.failure === null)) {
      this.kick();
      await this.worker;
      if (this.closing && this.failure !== null) return;
    }
  }

  private readonly writeScheduled = (): void => {
    this.scheduled = false;
    this.kick();
  };

  private kick(): void {
    this.worker ??= this.work().finally(() => {
      this.worker = null;
    });
  }

  /** The one loop that does I/O on the file: retries while failed, writes groups, syncs. */
  private async work(): Promise<void> {
    await this.after;
    let delay = this.retry.first;
    while (true) {
      if (this.failure !== null) {
        if (!this.closing) await sleep(delay);
        let written: Waiter[];
        try {
          written = await this.rewriteTail();
        } catch (error) {
          this.failure = error as Error;
          delay = Math.min(delay * 2, this.retry.max);
          if (this.closing) return;
          continue;
        }
        this.recovered(written);
        delay = this.retry.first;
        continue;
      }
      try {
        if (this.pending.length > 0) await this.writeGroup();
        else if (this.syncDue) await this.syncWritten();
        else return;
      } catch (error) {
        this.enterFailure(error as Error);
        if (this.closing) {
          // One more attempt on the way out, then give up (close() reports what is lost).
          try {
            this.recovered(await this.rewriteTail());
          } catch (again) {
            this.failure = again as Error;
            return;
          }
        }
      }
    }
  }

  private async writeGroup(): Promise<void> {
    const group: Group = {
      data: encodeRecords(this.pending, this.pendingLengths),
      waiters: this.pendingWaiters,
      barrier: this.pendingBarrier,
    };
    this.pending = [];
    this.pendingLengths = [];
    this.pendingWaiters = [];
    this.pendingBarrier = null;
    this.current = group;
    await writeFully(this.file, group.data, this.written);
    this.written += group.data.length;
    if (this.options.fsync === 'always') {
      await this.file.datasync();
      this.durable = this.written;
    } else if (this.options.fsync === 'everysec') {
      this.unsynced.push(group.data);
    } else {
      this.durable = this.written;
    }
    this.current = null;
    for (const waiter of group.waiters) waiter.resolve();
  }

  private async syncWritten(): Promise<void> {
    this.syncDue = false;
    if (this.unsynced.length === 0) return;
    const upTo = this.written;
    const synced = this.unsynced.length;
    await this.file.datasync();
    this.durable = upTo;
    this.unsynced.splice(0, synced);
  }

  /**
   * Cuts the file back to its last durable record and writes (and syncs) everything after it
   * again. Returns the waiters of the group that failed, now durable.
   */
  private async rewriteTail(): Promise<Waiter[]> {
    await this.file.truncate(this.durable);
    let position = this.durable;
    const chunks = this.current === null ? this.unsynced : [...this.unsynced, this.current.data];
    for (const chunk of chunks) {
      await writeFully(this.file, chunk, position);
      position += chunk.length;
    }
    if (this.options.fsync !== 'no') await this.file.datasync();
    this.durable = this.written = position;
    this.unsynced = [];
    const waiters = this.current?.waiters ?? [];
    this.current = null;
    return waiters;
  }

  private enterFailure(error: Error): void {
    const first = this.failure === null;
    this.failure = error;
    if (!first) return;
    // What the file holds past `durable` is unknown now: the retry cuts it off and writes it again.
    this.written = this.durable;
    // Records applied before the failure was known join the failed group, so that what is
    // answered from now on (reads, refusals) waits for none of them.
    if (this.pending.length > 0) {
      const group = this.current ?? (this.current = { data: Buffer.alloc(0), waiters: [], barrier: null });
      group.data = Buffer.concat([group.data, encodeRecords(this.pending, this.pendingLengths)]);
      group.waiters.push(...this.pendingWaiters);
      this.pending = [];
      this.pendingLengths = [];
      this.pendingWaiters = [];
      this.pendingBarrier = null;
    }
    this.armHoldTimer();
    this.options.onFailure?.(error, this);
  }

  /** Leaves the failed state (the engine accepts changes again), then acknowledges what waited. */
  private recovered(waiters: Waiter[]): void {
    this.failure = null;
    if (this.holdTimer !== null) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    this.options.onRecovery?.(this);
    for (const waiter of waiters) waiter.resolve();
  }

  /** Replies held longer than `holdTimeoutMs` are given up on; their records are still retried. */
  private armHoldTimer(): void {
    this.holdTimer = setTimeout(() => {
      if (this.failure === null) return;
      this.rejectWaiting(new JournalStalledError(this.failure, this.holdTimeoutMs));
      this.armHoldTimer();
    }, this.holdTimeoutMs);
    this.holdTimer.unref();
  }

  private rejectWaiting(error: Error): void {
    const waiters = [...(this.current?.waiters ?? []), ...this.pendingWaiters];
    if (this.current !== null) this.current.waiters = [];
    this.pendingWaiters = [];
    this.pendingBarrier = null;
    for (const waiter of waiters) waiter.reject(error);
  }
}

function countLines(data: Buffer): number {
  let lines = 0;
  for (let at = data.indexOf(0x0a); at >= 0; at = data.indexOf(0x0a, at + 1)) lines++;
  return lines;
}
