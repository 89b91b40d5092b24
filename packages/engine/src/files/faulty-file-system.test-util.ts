import { nodeFileSystem, type FileSystem, type WritableFile } from './file-system.js';

/** File operations a fault can be injected into. */
export type FileOperation =
  'open' | 'write' | 'datasync' | 'sync' | 'truncate' | 'close' | 'mkdir' | 'rename' | 'rm' | 'readdir' | 'readFile' | 'stat' | 'copyFile';

/** What goes wrong: an errno error, or a short write (at most `atMost` bytes written, no error). */
export type Fault = { error: 'ENOSPC' | 'EIO' | 'EDQUOT' } | { atMost: number };

export interface FaultRule {
  op: FileOperation;
  /** Only paths containing this, or for which this says true (default: any). */
  path?: string | ((path: string) => boolean);
  /** Skip this many matching calls first (default 0). */
  after?: number;
  /** Fail this many matching calls, then work again (default: until `heal()`). */
  times?: number;
  fault: Fault;
}

/**
 * A file system that fails on purpose, as a full or dying disk does: ENOSPC, EIO and EDQUOT from
 * any operation, and short writes (write(2) writing less than asked, without an error). Every
 * call is recorded, so tests can also find out how many steps an operation takes and then fail
 * each one in turn.
 */
export class FaultyFileSystem implements FileSystem {
  readonly calls: { op: FileOperation; path: string }[] = [];
  private rules: (FaultRule & { seen: number; failed: number })[] = [];

  constructor(private readonly inner: FileSystem = nodeFileSystem) {}

  /** Adds a rule; returns this for chaining. */
  fail(rule: FaultRule): this {
    this.rules.push({ ...rule, seen: 0, failed: 0 });
    return this;
  }

  /** Removes every rule: the disk works again. */
  heal(): void {
    this.rules = [];
  }

  /** The fault for this call, if a rule says so. */
  private fault(op: FileOperation, path: string): Fault | undefined {
    this.calls.push({ op, path });
    for (const rule of this.rules) {
      if (rule.op !== op || !matches(rule.path, path)) continue;
      if (rule.seen++ < (rule.after ?? 0)) continue;
      if (rule.times !== undefined && rule.failed >= rule.times) continue;
      rule.failed++;
      return rule.fault;
    }
    return undefined;
  }

  private check(op: FileOperation, path: string): void {
    const fault = this.fault(op, path);
    if (fault !== undefined && 'error' in fault) throw errno(fault.error, op, path);
  }

  async open(path: string, flags: string | number): Promise<WritableFile> {
    this.check('open', path);
    const file = await this.inner.open(path, flags);
    return {
      write: async (buffer, offset, length, position) => {
        const fault = this.fault('write', path);
        if (fault !== undefined && 'error' in fault) throw errno(fault.error, 'write', path);
        const allowed = fault === undefined ? length : Math.min(length, fault.atMost);
        // A short write writes a prefix and reports it, as the kernel does when the disk fills up.
        return allowed === 0 ? { bytesWritten: 0 } : file.write(buffer, offset, allowed, position);
      },
      datasync: async () => {
        this.check('datasync', path);
        await file.datasync();
      },
      sync: async () => {
        this.check('sync', path);
        await file.sync();
      },
      truncate: async (length) => {
        this.check('truncate', path);
        await file.truncate(length);
      },
      close: async () => {
        // The descriptor is released even when close reports an error (as close(2) does).
        await file.close();
        this.check('close', path);
      },
    };
  }

  async mkdir(path: string, options?: { recursive?: boolean }): Promise<unknown> {
    this.check('mkdir', path);
    return this.inner.mkdir(path, options);
  }
  async rename(from: string, to: string): Promise<void> {
    this.check('rename', from);
    return this.inner.rename(from, to);
  }
  async rm(path: string, options?: { recursive?: boolean; force?: boolean }): Promise<void> {
    this.check('rm', path);
    return this.inner.rm(path, options);
  }
  async readdir(path: string): Promise<string[]> {
    this.check('readdir', path);
    return this.inner.readdir(path);
  }
  async readFile(path: string): Promise<Buffer> {
    this.check('readFile', path);
    return this.inner.readFile(path);
  }
  async stat(path: string): Promise<{ size: number }> {
    this.check('stat', path);
    return this.inner.stat(path);
  }
  async copyFile(from: string, to: string): Promise<void> {
    this.check('copyFile', from);
    return this.inner.copyFile(from, to);
  }
}

function errno(code: string, op: string, path: string): NodeJS.ErrnoException {
  const text = code === 'ENOSPC' ? 'no space left on device' : code === 'EIO' ? 'i/o error' : 'disk quota exceeded';
  return Object.assign(new Error(`${code}: ${text}, ${op} '${path}'`), { code, syscall: op, path });
}

function matches(rule: FaultRule['path'], path: string): boolean {
  if (rule === undefined) return true;
  return typeof rule === 'string' ? path.includes(rule) : rule(path);
}
