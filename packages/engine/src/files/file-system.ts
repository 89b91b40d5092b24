import { copyFile, mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';

/** The part of Node's `FileHandle` that persistence and the journal use. */
export interface WritableFile {
  write(buffer: Uint8Array, offset: number, length: number, position: number | null): Promise<{ bytesWritten: number }>;
  datasync(): Promise<void>;
  sync(): Promise<void>;
  truncate(length?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The file operations of persistence and the journal, behind one seam so that tests can make any
 * step fail (ENOSPC, EIO, short writes, failed syncs) the way a full or failing disk does; the
 * default is Node's own `fs/promises`.
 */
export interface FileSystem {
  open(path: string, flags: string | number): Promise<WritableFile>;
  mkdir(path: string, options?: { recursive?: boolean }): Promise<unknown>;
  rename(from: string, to: string): Promise<void>;
  rm(path: string, options?: { recursive?: boolean; force?: boolean }): Promise<void>;
  readdir(path: string): Promise<string[]>;
  readFile(path: string): Promise<Buffer>;
  stat(path: string): Promise<{ size: number }>;
  copyFile(from: string, to: string): Promise<void>;
}

export const nodeFileSystem: FileSystem = {
  open: (path, flags) => open(path, flags),
  mkdir: (path, options) => mkdir(path, options),
  rename: (from, to) => rename(from, to),
  rm: (path, options) => rm(path, options),
  readdir: (path) => readdir(path),
  readFile: (path) => readFile(path),
  stat: (path) => stat(path),
  copyFile: (from, to) => copyFile(from, to),
};

/**
 * Writes all of `data` at `position`, however many calls that takes: `write(2)` may write less
 * than asked (a disk filling up does exactly that) without failing.
 */
export async function writeFully(file: WritableFile, data: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await file.write(data, done, data.length - done, position + done);
    // A write that makes no progress and reports no error would loop forever: call it what it is.
    if (bytesWritten <= 0) throw Object.assign(new Error('write made no progress (disk full?)'), { code: 'ENOSPC' });
    done += bytesWritten;
  }
}

/** fsync of a directory, so that the entries created or renamed in it survive a crash. */
export async function syncDirectory(path: string, fs: FileSystem = nodeFileSystem): Promise<void> {
  const directory = await fs.open(path, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

/** `ENOSPC: no space left on device`-style text for logs and refusals (no stack, no path noise). */
export function describeFileError(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  if (typeof code === 'string') {
    const reason = message.replace(/^[A-Z]+: /, '').replace(/, \w+( '.*')?$/, '');
    return `${code}: ${reason}`;
  }
  return error instanceof Error ? error.message : String(error);
}
