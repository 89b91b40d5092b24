import { join } from 'node:path';

/**
 * Where datasets live (docs/reference/protocol.md §11.1), exactly as upstream lays them out so that a dataset
 * saved by C++ NemesisDB v0.7.4 loads here and the other way round:
 *
 * ```
 * <persist.path>/<name>/<timestamp>/md/md.json    metadata
 * <persist.path>/<name>/<timestamp>/data/0, 1, …  data files
 * ```
 * `<timestamp>` is the wall-clock time of the save in nanoseconds since the Unix epoch. Each save
 * adds a directory; a load takes the numerically greatest one. Our saves are first written under a
 * name no loader considers (it starts with a dot) and renamed into place when complete.
 */

/** Metadata format version upstream writes. */
export const METADATA_VERSION = 2;
/** `saveDataType` values. */
export const SaveDataType = { Kv: 0, Sessions: 1 } as const;
/** `status` values of md.json. */
export const SaveStatus = { Pending: 0, Complete: 1, Error: 2 } as const;
/** A new data file is started once the current one reaches this size, as upstream does. */
export const DATA_FILE_BYTES = 10 * 1024 * 1024;

/**
 * Whether a dataset name is safe to use as a directory name (§14 D6): not empty, not `.` or `..`,
 * no path separator and no NUL. Upstream uses the name verbatim, so `../x` escapes the root.
 */
export function isValidDatasetName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name);
}

/** `<root>/<name>` */
export function datasetDirectory(root: string, name: string): string {
  return join(root, name);
}

/** A save's timestamp: nanoseconds since the Unix epoch, as decimal digits, strictly increasing. */
export function saveTimestamp(previous: bigint): bigint {
  const now = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  return now > previous ? now : previous + 1n;
}

/** The numerically greatest all-digit entry among `entries` (others are ignored, §14 D7). */
export function newestSave(entries: readonly string[]): string | undefined {
  let newest: string | undefined;
  let newestValue = -1n;
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const value = BigInt(entry);
    if (value > newestValue) {
      newest = entry;
      newestValue = value;
    }
  }
  return newest;
}

/** Data files of a save, in numeric order (`0`, `1`, … `10`); other entries are ignored. */
export function dataFilesInOrder(entries: readonly string[]): string[] {
  return entries.filter((entry) => /^\d+$/.test(entry)).sort((a, b) => Number(a) - Number(b));
}
