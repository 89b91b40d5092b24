import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/**
 * For one test file: makes fresh directories under the system's temporary directory, named
 * `<prefix><random>`, and removes every one made during a test after it.
 */
export function temporaryDirectories(prefix: string): () => Promise<string> {
  const made: string[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((path) => rm(path, { recursive: true, force: true })));
  });
  return async () => {
    const path = await mkdtemp(join(tmpdir(), prefix));
    made.push(path);
    return path;
  };
}
