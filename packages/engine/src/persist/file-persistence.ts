import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
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
import { syncDirectory } from './sync-directory.js';

export interface FilePersistenceOptions {
  /** `persist.path`: the directory that holds the datasets. */
  path: string;
  /** `persist.enabled`: whether SAVE commands may write. LOAD works either way. */
  enabled: boolean;
  /** Longest run of encoding before the event loop is given back to other connections. */
  sliceMs?: number;
  /** Called now and then while a load reads large files (start-up progress). */
  onLoadProgress?: (progress: LoadProgress) => void;
}

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
 * Datasets on disk in upstream's layout (PROTOCOL.md §11), with what upstream lacks:
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
 */
export class FilePersistence implements Persistence {
  readonly enabled: boolean;
  private readonly root: string;
  private readonly sliceMs: number;
  private lastTimestamp = 0n;

  constructor(private readonly options: FilePersistenceOptions) {
    this.enabled = options.enabled;
    this.root = options.path;
    this.sliceMs = options.sliceMs ?? DEFAULT_SAVE_SLICE_MS;
  }

  async save(name: string, dataset: Dataset): Promise<SaveOutcome> {
    const started = Date.now();
    const duration = () => Date.now() - started;
    if (!isValidDatasetName(name)) return closeAnd(dataset, { st: 122, durationMs: 0 });
    const directory = datasetDirectory(this.root, name);
    try {
      await mkdir(directory, { recursive: true });
    } catch {
      return closeAnd(dataset, { st: 122, durationMs: duration() });
    }
    this.lastTimestamp = saveTimestamp(this.lastTimestamp);
    const timestamp = this.lastTimestamp.toString();
    const staging = join(directory, `.${timestamp}.${randomBytes(4).toString('hex')}.saving`);
    try {
      await mkdir(join(staging, 'md'), { recursive: true });
      await mkdir(join(staging, 'data'));
    } catch {
      await rm(staging, { recursive: true, force: true });
      return closeAnd(dataset, { st: 122, durationMs: duration() });
    }
    try {
      if (dataset.kind === 'sessions') await this.writeData(join(staging, 'data'), dataset.sessions, '[', ']', encodeSession);
      else await this.writeData(join(staging, 'data'), dataset.keys, '{"keys":{', '}}', encodeEntry);
      const metadata = encodeMetadata({
        name,
        saveDataType: dataset.kind === 'sessions' ? SaveDataType.Sessions : SaveDataType.Kv,
        status: COMPLETE,
        start: started,
        complete: Date.now(),
      });
      await writeDurably(join(staging, 'md', 'md.json'), metadata);
      await syncDirectory(join(staging, 'md'));
      await syncDirectory(join(staging, 'data'));
      await syncDirectory(staging);
      await rename(staging, join(directory, timestamp));
      await syncDirectory(directory);
      return { st: 121, durationMs: duration() };
    } catch {
      closeAnd(dataset, undefined);
      await rm(staging, { recursive: true, force: true }).catch(() => {});
      return { st: 123, durationMs: duration() };
    }
  }

  /**
   * Loads the newest save of `name`. `kind` must match what it holds (§14 D10); `'any'` takes
   * whatever it holds, as the start-up load does (it reads `saveDataType` to know).
   */
  async load(name: string, kind: DatasetKind | 'any'): Promise<LoadOutcome> {
    const started = Date.now();
    if (!isValidDatasetName(name)) return { ok: false, reason: 'bad-name' };
    const directory = datasetDirectory(this.root, name);
    let entries: string[];
    try {
      entries = await readdir(directory);
    } catch {
      return { ok: false, reason: 'missing' };
    }
    const newest = newestSave(entries);
    if (newest === undefined) return { ok: false, reason: 'missing' };
    const save = join(directory, newest);
    let metadataText: string;
    try {
      metadataText = await readFile(join(save, 'md', 'md.json'), 'utf8');
    } catch {
      return { ok: false, reason: 'incomplete' };
    }
    let files: string[];
    try {
      const metadata = decodeMetadata(metadataText);
      if (metadata.status !== COMPLETE) return { ok: false, reason: 'incomplete' };
      const holds = metadata.saveDataType === SaveDataType.Sessions ? 'sessions' : metadata.saveDataType === SaveDataType.Kv ? 'kv' : undefined;
      if (holds === undefined || (kind !== 'any' && holds !== kind)) return { ok: false, reason: 'wrong-kind' };
      kind = holds;
      files = dataFilesInOrder(await readdir(join(save, 'data')));
    } catch (error) {
      return { ok: false, reason: error instanceof DamagedDataset ? 'damaged' : 'incomplete' };
    }
    try {
      const dataDirectory = join(save, 'data');
      const sizes = await Promise.all(files.map(async (file) => (await stat(join(dataDirectory, file))).size));
      const progress: LoadProgress = { name, bytesRead: 0, totalBytes: sizes.reduce((a, b) => a + b, 0), sessions: 0, keys: 0 };
      const sessions: SessionRecord[] = [];
      const keys: KvEntry[] = [];
      for (let i = 0; i < files.length; i++) {
        const text = await readFile(join(dataDirectory, files[i]!), 'utf8');
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
      if (error instanceof DamagedDataset) return { ok: false, reason: 'damaged' };
      return { ok: false, reason: 'incomplete' };
    }
  }

  /**
   * Encodes `items` into data files `0`, `1`, … (a new one past 10 MiB, as upstream), each file
   * `open` + items joined by commas + `close`. Encoding runs in slices of `sliceMs`, with the event
   * loop given back between slices and during every write.
   */
  private async writeData<T>(
    directory: string,
    items: Iterable<T>,
    openText: string,
    closeText: string,
    encodeItem: (item: T) => string,
  ): Promise<void> {
    let fileIndex = 0;
    let file: FileHandle | null = null;
    let fileBytes = 0;
    let chunk = '';
    let itemsInFile = 0;
    const flush = async (final: boolean) => {
      if (file === null) {
        file = await open(join(directory, String(fileIndex)), constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY);
      }
      if (chunk.length > 0) {
        fileBytes += Buffer.byteLength(chunk);
        await file.write(chunk);
        chunk = '';
      }
      if (final) {
        await file.sync();
        await file.close();
        file = null;
      }
    };
    let sliceStarted = performance.now();
    for (const item of items) {
      const text = encodeItem(item);
      chunk += (itemsInFile === 0 ? openText : ',') + text;
      itemsInFile++;
      if (chunk.length >= WRITE_CHUNK_BYTES) {
        await flush(false);
        sliceStarted = performance.now();
        if (fileBytes >= DATA_FILE_BYTES) {
          chunk = closeText;
          await flush(true);
          fileIndex++;
          fileBytes = 0;
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
  }
}

const encodeSession = (record: SessionRecord) => encodeSessionRecord(record);
const encodeEntry = ([key, value]: KvEntry) => encodeKvMember(key, value);

/** Releases a snapshot that will not be read, and returns `outcome`. */
function closeAnd<T>(dataset: Dataset, outcome: T): T {
  const source = dataset.kind === 'sessions' ? dataset.sessions : dataset.keys;
  (source as { close?: () => void }).close?.();
  return outcome;
}

async function writeDurably(path: string, text: string): Promise<void> {
  const file = await open(path, 'wx');
  try {
    await file.write(text);
    await file.sync();
  } finally {
    await file.close();
  }
}
