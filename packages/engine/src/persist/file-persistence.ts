import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Dataset, DatasetKind, LoadOutcome, Persistence, SaveOutcome } from '../persistence.js';
import type { KvEntry, SessionRecord } from '../store/store.js';
import {
  COMPLETE,
  DamagedDataset,
  decodeKvFile,
  decodeMetadata,
  decodeSessionFile,
  encodeKvMember,
  encodeMetadata,
  encodeSessionRecord,
} from './format.js';
import {
  DATA_FILE_BYTES,
  SaveDataType,
  dataFilesInOrder,
  datasetDirectory,
  isValidDatasetName,
  newestSave,
  saveTimestamp,
} from './layout.js';
import { nodeFileSystem, syncDirectory, writeFully, type FileSystem, type WritableFile } from '../files/file-system.js';
import {
  MANIFEST_FILE,
  RunningChecksum,
  checkAgainstManifest,
  encodeManifest,
  missingFromSave,
  readManifest,
  type ManifestEntries,
} from './manifest.js';

export interface FilePersistenceOptions {
  /** `persist.path`: the directory that holds the datasets. */
  path: string;
  /** `persist.enabled`: whether SAVE commands may write. LOAD works either way. */
  enabled: boolean;
  /** Longest run of encoding before the event loop is given back to other connections. */
  sliceMs?: number;
  /** Called now and then while a load reads large files (start-up progress). */
  onLoadProgress?: (progress: LoadProgress) => void;
  /** Told of each unfinished save a crash left behind, once it is removed. */
  onStaleStagingRemoved?: (path: string) => void;
  /** Tests inject a file system that fails. */
  fs?: FileSystem;
}

/** A save being written under a name no loader considers: `.<timestamp>.<random>.saving`. */
const STAGING = /^\.\d+\.[0-9a-f]+\.saving$/;

export interface LoadProgress {
  name: string;
  bytesRead: number;
  totalBytes: number;
  /** Sessions read so far (a session dataset). */
  sessions: number;
  /** Keys read so far (a KV dataset). */
  keys: number;
}

/** Default encoding slice during a save: other connections wait at most about this long. */
export const DEFAULT_SAVE_SLICE_MS = 5;

/** Bytes gathered in memory before they are written to the current data file. */
const WRITE_CHUNK_BYTES = 1024 * 1024;

/**
 * Datasets on disk in upstream's layout (docs/reference/protocol.md §11), with what upstream lacks:
 *
 * - **Atomic saves.** A save is written into a directory no loader looks at (`.<timestamp>.…`),
 *   every file and directory is fsynced, and one rename makes it visible under its timestamp: the
 *   newest visible save is always complete, whatever kills the process meanwhile.
 * - **Serving while saving.** The data is a snapshot of the moment the command arrived; it is
 *   encoded in slices of `sliceMs` and written asynchronously, so other connections keep being
 *   answered while a million sessions are saved.
 * - **Safe names and all-or-nothing loads.** Names that would leave `persist.path` are refused
 *   (§14 D6); a load reads and checks every file before anything is applied (§14 D15), checks the
 *   dataset's kind (D10), ignores stray entries (D7), and loads an empty dataset as empty (D9).
 * - **Checksums.** Each save carries `md/checksums.json` (see manifest.ts); a load checks every
 *   file against it, so bit rot that leaves valid JSON is refused as damage, never loaded.
 * - **Nothing left behind.** A failed save closes every file it opened and removes its staging
 *   directory, so a full disk gets its space back; staging directories of saves a crash
 *   interrupted are removed by the next save of that name and by `removeStaleStaging()`.
 */
export class FilePersistence implements Persistence {
  readonly enabled: boolean;
  private readonly root: string;
  private readonly sliceMs: number;
  private lastTimestamp = 0n;
  private readonly fs: FileSystem;
  /** Staging directories of saves this process is writing now: not stale, whatever they look like. */
  private readonly writing = new Set<string>();

  constructor(private readonly options: FilePersistenceOptions) {
    this.enabled = options.enabled;
    this.root = options.path;
    this.sliceMs = options.sliceMs ?? DEFAULT_SAVE_SLICE_MS;
    this.fs = options.fs ?? nodeFileSystem;
  }

  /**
   * Removes the staging directories of saves that a crash interrupted, in every dataset under
   * `persist.path` (the app calls this at start-up). Returns their paths.
   */
  async removeStaleStaging(): Promise<string[]> {
    let names: string[];
    try {
      names = await this.fs.readdir(this.root);
    } catch {
      return [];
    }
    const removed: string[] = [];
    for (const name of names) {
      if (isValidDatasetName(name)) removed.push(...(await this.removeStaleStagingOf(datasetDirectory(this.root, name))));
    }
    return removed;
  }

  private async removeStaleStagingOf(directory: string): Promise<string[]> {
    let entries: string[];
    try {
      entries = await this.fs.readdir(directory);
    } catch {
      return [];
    }
    const removed: string[] = [];
    for (const entry of entries) {
      const path = join(directory, entry);
      if (!STAGING.test(entry) || this.writing.has(path)) continue;
      try {
        await this.fs.rm(path, { recursive: true, force: true });
      } catch {
        continue; // still there: the next save tries again
      }
      removed.push(path);
      this.options.onStaleStagingRemoved?.(path);
    }
    return removed;
  }

  async save(name: string, dataset: Dataset): Promise<SaveOutcome> {
    const started = Date.now();
    const duration = () => Date.now() - started;
    if (!isValidDatasetName(name)) return closeAnd(dataset, { st: 122, durationMs: 0 });
    const fs = this.fs;
    const directory = datasetDirectory(this.root, name);
    try {
      await fs.mkdir(directory, { recursive: true });
    } catch {
      return closeAnd(dataset, { st: 122, durationMs: duration() });
    }
    await this.removeStaleStagingOf(directory);
    this.lastTimestamp = saveTimestamp(this.lastTimestamp);
    const timestamp = this.lastTimestamp.toString();
    const staging = join(directory, `.${timestamp}.${randomBytes(4).toString('hex')}.saving`);
    this.writing.add(staging);
    try {
      try {
        await fs.mkdir(join(staging, 'md'), { recursive: true });
        await fs.mkdir(join(staging, 'data'));
      } catch {
        await fs.rm(staging, { recursive: true, force: true }).catch(() => {});
        return closeAnd(dataset, { st: 122, durationMs: duration() });
      }
      const final = join(directory, timestamp);
      let renamed = false;
      try {
        const checksums: ManifestEntries = new Map();
        if (dataset.kind === 'sessions') await this.writeData(join(staging, 'data'), dataset.sessions, '[', ']', encodeSession, checksums);
        else await this.writeData(join(staging, 'data'), dataset.keys, '{"keys":{', '}}', encodeEntry, checksums);
        const metadata = encodeMetadata({
          name,
          saveDataType: dataset.kind === 'sessions' ? SaveDataType.Sessions : SaveDataType.Kv,
          status: COMPLETE,
          start: started,
          complete: Date.now(),
        });
        checksums.set('md/md.json', checksumOf(metadata));
        await this.writeDurably(join(staging, 'md', 'md.json'), metadata);
        await this.writeDurably(join(staging, 'md', MANIFEST_FILE), encodeManifest(checksums));
        await syncDirectory(join(staging, 'md'), fs);
        await syncDirectory(join(staging, 'data'), fs);
        await syncDirectory(staging, fs);
        await fs.rename(staging, final);
        renamed = true;
        await syncDirectory(directory, fs);
        return { st: 121, durationMs: duration() };
      } catch {
        closeAnd(dataset, undefined);
        // Answered as not saved, so it must not be what the next load takes.
        if (renamed) await fs.rename(final, staging).catch(() => {});
        // Every file is closed by now (writeData and writeDurably close on failure): removing the
        // directory gives the space back at once.
        await fs.rm(staging, { recursive: true, force: true }).catch(() => {});
        return { st: 123, durationMs: duration() };
      }
    } finally {
      this.writing.delete(staging);
    }
  }

  /**
   * Loads the newest save of `name`. `kind` must match what it holds (§14 D10); `'any'` takes
   * whatever it holds, as the start-up load does (it reads `saveDataType` to know).
   */
  async load(name: string, kind: DatasetKind | 'any'): Promise<LoadOutcome> {
    const started = Date.now();
    if (!isValidDatasetName(name)) return { ok: false, reason: 'bad-name' };
    const fs = this.fs;
    const directory = datasetDirectory(this.root, name);
    let entries: string[];
    try {
      entries = await fs.readdir(directory);
    } catch {
      return { ok: false, reason: 'missing' };
    }
    const newest = newestSave(entries);
    if (newest === undefined) return { ok: false, reason: 'missing' };
    return this.readSave(join(directory, newest), kind, name, started);
  }

  /**
   * Reads and checks one save directory (`<name>/<timestamp>`): metadata, checksums, every data
   * file. Nothing is applied; `load` applies what this returns. Also what `check-dataset` uses.
   */
  async readSave(save: string, kind: DatasetKind | 'any', name = '', started = Date.now()): Promise<LoadOutcome> {
    const fs = this.fs;
    const damaged = (detail: string): LoadOutcome => ({ ok: false, reason: 'damaged', detail: `${save}: ${detail}` });
    let metadataBytes: Buffer;
    try {
      metadataBytes = await fs.readFile(join(save, 'md', 'md.json'));
    } catch {
      return { ok: false, reason: 'incomplete' };
    }
    const manifest = await readManifest(fs, save);
    if (manifest !== null && !(manifest instanceof Map)) return damaged(`${manifest.file}: ${manifest.reason}`);
    let files: string[];
    try {
      if (manifest !== null) {
        const problem = checkAgainstManifest(manifest, 'md/md.json', metadataBytes);
        if (problem !== null) return damaged(`md/md.json: ${problem}`);
      }
      const metadata = decodeMetadata(metadataBytes.toString('utf8'));
      if (metadata.status !== COMPLETE) return { ok: false, reason: 'incomplete' };
      const holds =
        metadata.saveDataType === SaveDataType.Sessions ? 'sessions' : metadata.saveDataType === SaveDataType.Kv ? 'kv' : undefined;
      if (holds === undefined || (kind !== 'any' && holds !== kind)) return { ok: false, reason: 'wrong-kind' };
      kind = holds;
      files = dataFilesInOrder(await fs.readdir(join(save, 'data')));
    } catch (error) {
      return error instanceof DamagedDataset ? damaged(`md/md.json: ${error.message}`) : { ok: false, reason: 'incomplete' };
    }
    if (manifest !== null) {
      const missing = missingFromSave(manifest, ['md/md.json', ...files.map((file) => `data/${file}`)]);
      if (missing.length > 0) return damaged(`${missing[0]}: missing`);
    }
    let current = '';
    try {
      const dataDirectory = join(save, 'data');
      const sizes = await Promise.all(files.map(async (file) => (await fs.stat(join(dataDirectory, file))).size));
      const progress: LoadProgress = { name, bytesRead: 0, totalBytes: sizes.reduce((a, b) => a + b, 0), sessions: 0, keys: 0 };
      const sessions: SessionRecord[] = [];
      const keys: KvEntry[] = [];
      for (let i = 0; i < files.length; i++) {
        current = `data/${files[i]!}`;
        const bytes = await fs.readFile(join(dataDirectory, files[i]!));
        const problem = manifest === null ? null : checkAgainstManifest(manifest, current, bytes);
        if (problem !== null) return damaged(`${current}: ${problem}`);
        const text = bytes.toString('utf8');
        if (kind === 'sessions') {
          for (const record of decodeSessionFile(text)) sessions.push(record);
          progress.sessions = sessions.length;
        } else {
          const members = decodeKvFile(text);
          for (const key in members) keys.push([key, members[key]!]);
          progress.keys = keys.length;
        }
        progress.bytesRead += sizes[i]!;
        this.options.onLoadProgress?.({ ...progress });
      }
      const dataset: Dataset = kind === 'sessions' ? { kind: 'sessions', sessions } : { kind: 'kv', keys };
      return { ok: true, dataset, durationMs: Date.now() - started };
    } catch (error) {
      if (error instanceof DamagedDataset) return damaged(`${current}: ${error.message}`);
      return { ok: false, reason: 'incomplete' };
    }
  }

  /**
   * Encodes `items` into data files `0`, `1`, … (a new one past 10 MiB, as upstream), each file
   * `open` + items joined by commas + `close`, and records each file's checksum in `checksums`.
   * Encoding runs in slices of `sliceMs`, with the event loop given back between slices and
   * during every write. A file left open by a failure is closed before the error goes on.
   */
  private async writeData<T>(
    directory: string,
    items: Iterable<T>,
    openText: string,
    closeText: string,
    encodeItem: (item: T) => string,
    checksums: ManifestEntries,
  ): Promise<void> {
    let fileIndex = 0;
    let file: WritableFile | null = null;
    let checksum = new RunningChecksum();
    let chunk = '';
    let itemsInFile = 0;
    const flush = async (final: boolean) => {
      if (file === null) {
        file = await this.fs.open(join(directory, String(fileIndex)), constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY);
      }
      if (chunk.length > 0) {
        const data = Buffer.from(chunk);
        chunk = '';
        await writeFully(file, data, checksum.bytes);
        checksum.add(data);
      }
      if (final) {
        await file.sync();
        const closing = file;
        file = null;
        await closing.close();
        checksums.set(`data/${fileIndex}`, { bytes: checksum.bytes, crc32: checksum.crc });
        checksum = new RunningChecksum();
      }
    };
    try {
      let sliceStarted = performance.now();
      for (const item of items) {
        const text = encodeItem(item);
        chunk += (itemsInFile === 0 ? openText : ',') + text;
        itemsInFile++;
        if (chunk.length >= WRITE_CHUNK_BYTES) {
          await flush(false);
          sliceStarted = performance.now();
          if (checksum.bytes >= DATA_FILE_BYTES) {
            chunk = closeText;
            await flush(true);
            fileIndex++;
            itemsInFile = 0;
          }
        } else if (performance.now() - sliceStarted >= this.sliceMs) {
          await yieldToEventLoop();
          sliceStarted = performance.now();
        }
      }
      // Nothing at all to write: no data file, like upstream (an empty save loads as empty).
      if (itemsInFile === 0 && fileIndex === 0) return;
      if (itemsInFile > 0) {
        chunk += closeText;
        await flush(true);
      }
    } finally {
      await (file as WritableFile | null)?.close().catch(() => {});
    }
  }

  /** Writes a small file whole and syncs it; closed whatever happens. */
  private async writeDurably(path: string, text: string): Promise<void> {
    const file = await this.fs.open(path, 'wx');
    try {
      await writeFully(file, Buffer.from(text), 0);
      await file.sync();
    } finally {
      await file.close();
    }
  }
}

function checksumOf(text: string): { bytes: number; crc32: number } {
  const checksum = new RunningChecksum();
  checksum.add(text);
  return { bytes: checksum.bytes, crc32: checksum.crc };
}

const encodeSession = (record: SessionRecord) => encodeSessionRecord(record);
const encodeEntry = ([key, value]: KvEntry) => encodeKvMember(key, value);

/** Releases a snapshot that will not be read, and returns `outcome`. */
function closeAnd<T>(dataset: Dataset, outcome: T): T {
  const source = dataset.kind === 'sessions' ? dataset.sessions : dataset.keys;
  (source as { close?: () => void }).close?.();
  return outcome;
}
