import { open, type FileHandle } from 'node:fs/promises';

/** When appended records reach the disk (config `persist.journal.fsync`). */
export type FsyncPolicy = 'always' | 'everysec' | 'no';

/**
 * An append-only file of journal records, one per line.
 *
 * Records appended during one turn of the event loop are written together (one write, and with
 * `always` one `fdatasync`: group commit) while the next turn's records gather; only one write is in
 * flight at a time, so records reach the file in append order.
 * - `always`: `append` returns a promise that settles once its record is on disk;
 * - `everysec`: records are written at once and synced every second;
 * - `no`: records are written at once; the operating system decides when they reach the disk.
 */
export class JournalFile {
  private pending: string[] = [];
  private pendingWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private pendingBarrier: Promise<void> | null = null;
  /** The barrier of the group being written. */
  private writingBarrier: Promise<void> | null = null;
  private writing: Promise<void> | null = null;
  private scheduled = false;
  private syncTimer: NodeJS.Timeout | null = null;
  private failure: Error | null = null;
  /** Bytes in the file so far (written or about to be). */
  bytes = 0;

  private constructor(
    private readonly file: FileHandle,
    readonly path: string,
    private readonly fsync: FsyncPolicy,
    private readonly onError: (error: Error) => void,
  ) {
    if (fsync === 'everysec') {
      this.syncTimer = setInterval(() => void this.sync(), 1000);
      this.syncTimer.unref();
    }
  }

  /** Creates `path` (it must not exist) for appending. */
  static async create(path: string, fsync: FsyncPolicy, onError: (error: Error) => void): Promise<JournalFile> {
    return new JournalFile(await open(path, 'wx'), path, fsync, onError);
  }

  /**
   * Appends one record (a line without its newline). With `always`, the returned promise settles
   * when the record is durable; otherwise nothing is returned.
   */
  append(record: string): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    this.pending.push(record);
    this.bytes += Buffer.byteLength(record) + 1;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.writePending);
    }
    if (this.fsync !== 'always') return undefined;
    this.pendingBarrier ??= new Promise<void>((resolve, reject) => this.pendingWaiters.push({ resolve, reject }));
    return this.pendingBarrier;
  }

  /** With `always`: settles once every record appended so far is on disk; null when all are. */
  durability(): Promise<void> | null {
    return this.pendingBarrier ?? this.writingBarrier;
  }

  /** Writes and syncs everything appended so far, then closes the file. */
  async close(): Promise<void> {
    this.pendingBarrier?.catch(() => {});
    if (this.syncTimer !== null) clearInterval(this.syncTimer);
    this.syncTimer = null;
    await this.drain();
    await this.file.sync().catch(() => {});
    await this.file.close();
  }

  /** Settles once everything appended so far is written (and synced with `always`). */
  async drain(): Promise<void> {
    while (this.writing !== null || this.pending.length > 0) {
      if (this.writing === null) this.writePending();
      await this.writing;
    }
  }

  private readonly writePending = (): void => {
    this.scheduled = false;
    if (this.writing !== null || this.pending.length === 0) return;
    const text = this.pending.join('\n') + '\n';
    const waiters = this.pendingWaiters;
    this.writingBarrier = this.pendingBarrier;
    this.pending = [];
    this.pendingWaiters = [];
    this.pendingBarrier = null;
    this.writing = (async () => {
      try {
        await this.file.write(text);
        if (this.fsync === 'always') await this.file.datasync();
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        // The journal can no longer promise anything: later appends throw, and the replies waiting
        // for this group are refused (their changes are in memory, not on disk).
        this.failure = error as Error;
        this.onError(this.failure);
        for (const waiter of waiters) waiter.reject(this.failure);
      }
      this.writing = null;
      this.writingBarrier = null;
      // Records that gathered during this write form the next group.
      if (this.pending.length > 0) this.writePending();
    })();
  };

  private async sync(): Promise<void> {
    try {
      await this.file.datasync();
    } catch (error) {
      this.onError(error as Error);
    }
  }
}
