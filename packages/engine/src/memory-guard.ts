import { getHeapStatistics } from 'node:v8';

/** How often the heap is looked at. */
export const MEMORY_SAMPLE_MS = 200;

/**
 * `maxDataBytes`: a ceiling on memory, past which commands that add data are refused (deletes
 * still work, so a full server can be emptied). The heap in use is sampled on a timer rather than
 * on every write: measuring the size of every stored value would cost more than the writes; the
 * heap includes the engine's own structures and not-yet-collected garbage, so set the ceiling with
 * headroom below the process's memory.
 */
export class MemoryGuard {
  private over = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly maxBytes: number,
    private readonly onChange: (over: boolean, usedBytes: number) => void,
    private readonly usedBytes: () => number = () => getHeapStatistics().used_heap_size,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), MEMORY_SAMPLE_MS);
    this.timer.unref();
  }

  /** Whether data-adding commands are being refused. */
  get full(): boolean {
    return this.over;
  }

  /** Looks at the heap now (the timer does it every MEMORY_SAMPLE_MS). */
  sample(): void {
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
