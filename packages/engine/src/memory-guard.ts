import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** How often the heap is looked at. */
export const MEMORY_SAMPLE_MS = 200;
/** Shortest gap between two collections the guard asks for (it also waits 5× the last one's length). */
export const MIN_COLLECTION_GAP_MS = 250;

/**
 * `maxDataBytes`: a ceiling on memory, past which commands that add data are refused (deletes
 * still work, so a full server can be emptied).
 *
 * What is measured: V8's heap in use (`used_heap_size`) and the memory outside it that V8 accounts
 * for (`external_memory`: typed arrays, such as the session index's, and buffers), sampled every
 * MEMORY_SAMPLE_MS rather than on every write (measuring every stored value would cost more than
 * the writes). That is the data plus the engine's own structures plus garbage not collected yet —
 * so set the ceiling with headroom below the process's memory. Garbage matters once the ceiling
 * is reached: an idle server has no reason to collect, and deleted data would keep it "full" for
 * minutes. So while full, after a change that frees data (a delete, a clear, an expiry), the guard
 * asks V8 for a full collection before it samples: writes are accepted again within about
 * MEMORY_SAMPLE_MS of the delete. Collections are spaced (MIN_COLLECTION_GAP_MS, and 5× the last
 * one's duration) so that a server that stays full under deletes does not spend its time
 * collecting.
 * (Byte accounting per value was measured against this: it costs every write, to spare a
 * collection only when the ceiling is reached.)
 */
export class MemoryGuard {
  private over = false;
  private releasedSinceCollection = false;
  private nextCollectionAt = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly maxBytes: number,
    private readonly onChange: (over: boolean, usedBytes: number) => void,
    private readonly usedBytes: () => number = memoryInUse,
    private readonly collect: (() => void) | null = fullCollection(),
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), MEMORY_SAMPLE_MS);
    this.timer.unref();
  }

  /** Whether data-adding commands are being refused. */
  get full(): boolean {
    return this.over;
  }

  /** Something was deleted: while full, the next sample collects garbage first. */
  released(): void {
    if (this.over) this.releasedSinceCollection = true;
  }

  /** Looks at the heap now (the timer does it every MEMORY_SAMPLE_MS). */
  sample(): void {
    if (this.over && this.releasedSinceCollection && this.collect !== null && performance.now() >= this.nextCollectionAt) {
      this.releasedSinceCollection = false;
      const started = performance.now();
      this.collect();
      const took = performance.now() - started;
      this.nextCollectionAt = performance.now() + Math.max(MIN_COLLECTION_GAP_MS, 5 * took);
    }
    const used = this.usedBytes();
    const over = used > this.maxBytes;
    if (over !== this.over) {
      this.over = over;
      this.onChange(over, used);
    }
  }

  dispose(): void {
    clearInterval(this.timer);
  }
}

/**
 * V8's full collection, as `global.gc` is with `--expose-gc`: the flag is set at run time so that
 * `node dist/cli.js` needs no extra option. Null if this V8 refuses (the guard then only samples).
 */
function fullCollection(): (() => void) | null {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

/** V8's heap in use and the memory outside it that V8 accounts for (see `MemoryGuard`). */
function memoryInUse(): number {
  const heap = getHeapStatistics();
  return heap.used_heap_size + heap.external_memory;
}
