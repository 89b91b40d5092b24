import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { FileSystem } from '../files/file-system.js';

/**
 * The checksum manifest of a save (beyond upstream): `md/checksums.json`, the size and CRC-32 of
 * every other file of the save. Upstream's loader reads only `md/md.json` and the files of
 * `data/`, so a dataset we save still loads in C++ v0.7.4, and one it saved (no manifest) loads
 * here as before. With a manifest, any difference is damage: a flipped bit that leaves valid JSON
 * would otherwise load as a silently different value.
 */
export const MANIFEST_FILE = 'checksums.json';
const MANIFEST_FORMAT = 1;

/** Relative path (`md/md.json`, `data/0`, …) → what it must hold. */
export type ManifestEntries = Map<string, { bytes: number; crc32: number }>;

/** Computes a file's entry incrementally, as it is written. */
export class RunningChecksum {
  bytes = 0;
  crc = 0;
  add(chunk: string | Buffer): void {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.bytes += data.length;
    this.crc = crc32(data, this.crc);
  }
}

export function encodeManifest(entries: ManifestEntries): string {
  const files: Record<string, { bytes: number; crc32: string }> = {};
  for (const [path, entry] of [...entries].sort(([a], [b]) => a.localeCompare(b))) {
    files[path] = { bytes: entry.bytes, crc32: entry.crc32.toString(16).padStart(8, '0') };
  }
  return JSON.stringify({ format: MANIFEST_FORMAT, algorithm: 'crc32', files }, null, 1);
}

/** A difference between a save and its manifest. */
export interface ManifestProblem {
  file: string;
  reason: string;
}

/** Reads `md/checksums.json` of the save at `root`: null when there is none (a save upstream wrote). */
export async function readManifest(fs: FileSystem, root: string): Promise<ManifestEntries | null | ManifestProblem> {
  let text: string;
  try {
    text = (await fs.readFile(join(root, 'md', MANIFEST_FILE))).toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { file: `md/${MANIFEST_FILE}`, reason: 'cannot be read' };
  }
  try {
    const parsed = JSON.parse(text) as { format?: unknown; files?: unknown };
    if (parsed.format !== MANIFEST_FORMAT || typeof parsed.files !== 'object' || parsed.files === null) throw new Error('shape');
    const entries: ManifestEntries = new Map();
    for (const [file, entry] of Object.entries(parsed.files as Record<string, { bytes?: unknown; crc32?: unknown }>)) {
      if (typeof entry.bytes !== 'number' || typeof entry.crc32 !== 'string' || !/^[0-9a-f]{8}$/.test(entry.crc32))
        throw new Error('entry');
      entries.set(file, { bytes: entry.bytes, crc32: Number.parseInt(entry.crc32, 16) });
    }
    return entries;
  } catch {
    return { file: `md/${MANIFEST_FILE}`, reason: 'not a valid manifest' };
  }
}

/** Whether `data`, read from `file` (`data/0`, …), is what the manifest says; null when it is. */
export function checkAgainstManifest(entries: ManifestEntries, file: string, data: Buffer): string | null {
  const entry = entries.get(file);
  if (entry === undefined) return 'not in the manifest';
  if (data.length !== entry.bytes) return `${data.length} bytes, the manifest says ${entry.bytes}`;
  if (crc32(data) !== entry.crc32) return 'checksum mismatch';
  return null;
}

/** Every file the manifest lists that is not among `present` (relative paths). */
export function missingFromSave(entries: ManifestEntries, present: readonly string[]): string[] {
  const have = new Set(present);
  return [...entries.keys()].filter((file) => !have.has(file));
}
