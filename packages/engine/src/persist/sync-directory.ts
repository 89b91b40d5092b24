import { open } from 'node:fs/promises';

/** fsync of a directory, so that the entries created or renamed in it survive a crash. */
export async function syncDirectory(path: string): Promise<void> {
  const directory = await open(path, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}
