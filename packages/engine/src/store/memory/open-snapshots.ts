import type { Snapshot } from '../store.js';

/**
 * Counts the snapshots of a store that are still being read. While any is open, the store copies
 * data before changing it in place (copy on write), so that every snapshot keeps its moment.
 */
export class OpenSnapshots {
  private count = 0;

  /** Whether some snapshot may still read captured data. */
  get any(): boolean {
    return this.count > 0;
  }

  /** A snapshot of `size` items produced by `items`; open until read to the end or closed. */
  open<T>(size: number, items: () => Iterable<T>): Snapshot<T> {
    this.count++;
    let open = true;
    const close = () => {
      if (open) this.count--;
      open = false;
    };
    return {
      size,
      close,
      *[Symbol.iterator]() {
        try {
          yield* items();
        } finally {
          close();
        }
      },
    };
  }
}
