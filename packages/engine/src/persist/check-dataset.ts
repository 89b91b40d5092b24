import { basename, dirname, join } from 'node:path';
import { nodeFileSystem, type FileSystem } from '../files/file-system.js';
import { FilePersistence } from './file-persistence.js';
import { dataFilesInOrder } from './layout.js';
import { checkAgainstManifest, missingFromSave, readManifest } from './manifest.js';

/** What `check-dataset` found in one save. */
export interface SaveCheck {
  path: string;
  /** Whether it carries a checksum manifest (ours do; upstream's do not). */
  checksummed: boolean;
  /** Empty: it loads as it is. */
  problems: string[];
  /** Sessions or keys it holds, when readable. */
  items: number | null;
}

export interface DatasetCheck {
  /** Every save found, newest first: a load takes the first. */
  saves: SaveCheck[];
  /** With `fix`: where the damaged newest saves were moved, so that the newest intact one loads. */
  movedAside: string[];
}

/**
 * Checks a saved dataset: `path` is a dataset directory (`<persist.path>/<name>`, every save in
 * it) or one save (`<name>/<timestamp>`). With `fix`, damaged saves newer than the newest intact
 * one are moved (never deleted) to `<name>.damaged/`, so that a load takes the intact one.
 */
export async function checkDataset(path: string, options: { fix?: boolean; fs?: FileSystem } = {}): Promise<DatasetCheck> {
  const fs = options.fs ?? nodeFileSystem;
  const entries = await fs.readdir(path);
  const single = entries.includes('md') || entries.includes('data');
  const saves = single
    ? [path]
    : entries
        .filter((entry) => /^\d+$/.test(entry))
        .sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : BigInt(b) < BigInt(a) ? -1 : 0))
        .map((entry) => join(path, entry));
  const checks: SaveCheck[] = [];
  for (const save of saves) checks.push(await checkSave(fs, save));
  const movedAside: string[] = [];
  if (options.fix && !single) {
    const aside = `${path.replace(/\/+$/, '')}.damaged`;
    for (const check of checks) {
      if (check.problems.length === 0) break;
      await fs.mkdir(aside, { recursive: true });
      const target = join(aside, basename(check.path));
      await fs.rename(check.path, target);
      movedAside.push(target);
    }
  }
  return { saves: checks, movedAside };
}

async function checkSave(fs: FileSystem, save: string): Promise<SaveCheck> {
  const problems: string[] = [];
  const manifest = await readManifest(fs, save);
  if (manifest !== null && !(manifest instanceof Map)) problems.push(`${manifest.file}: ${manifest.reason}`);
  if (manifest instanceof Map) {
    let files: string[] = [];
    try {
      files = dataFilesInOrder(await fs.readdir(join(save, 'data'))).map((file) => `data/${file}`);
    } catch {
      problems.push('data/: missing');
    }
    for (const file of ['md/md.json', ...files]) {
      let bytes: Buffer;
      try {
        bytes = await fs.readFile(join(save, file));
      } catch {
        problems.push(`${file}: cannot be read`);
        continue;
      }
      const problem = checkAgainstManifest(manifest, file, bytes);
      if (problem !== null) problems.push(`${file}: ${problem}`);
    }
    for (const file of missingFromSave(manifest, ['md/md.json', ...files])) problems.push(`${file}: missing`);
  }
  let items: number | null = null;
  if (problems.length === 0) {
    const outcome = await new FilePersistence({ path: dirname(save), enabled: false, fs }).readSave(save, 'any');
    if (outcome.ok) {
      items = outcome.dataset.kind === 'sessions' ? [...outcome.dataset.sessions].length : [...outcome.dataset.keys].length;
    } else {
      problems.push(outcome.detail?.replace(`${save}: `, '') ?? outcome.reason);
    }
  }
  return { path: save, checksummed: manifest !== null, problems, items };
}
