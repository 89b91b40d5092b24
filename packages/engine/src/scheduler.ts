/**
 * How the engine schedules its own work (expiry reclaim): a timer and "as soon as the event loop
 * is free". Injectable so tests can fire timers by hand; the default uses Node's timers, unref'd
 * so that an idle engine never keeps a process alive.
 */
export interface Scheduler {
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Runs `callback` after pending I/O: lets other connections be served between work slices. */
  setImmediate(callback: () => void): unknown;
  clearImmediate(handle: unknown): void;
  /** Real elapsed time in ms (for slicing work by time, even when the engine clock is manual). */
  elapsed(): number;
}

/** Node's timers. Delays are capped at setTimeout's limit (about 24.8 days); callers re-arm. */
export const nodeScheduler: Scheduler = {
  setTimeout(callback, delayMs) {
    const timer = setTimeout(callback, Math.min(Math.max(delayMs, 0), MAX_TIMER_DELAY_MS));
    timer.unref();
    return timer;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
  setImmediate(callback) {
    const immediate = setImmediate(callback);
    immediate.unref();
    return immediate;
  },
  clearImmediate(handle) {
    clearImmediate(handle as NodeJS.Immediate);
  },
  elapsed: () => performance.now(),
};

/** setTimeout's largest delay (2^31 − 1 ms); longer waits are taken in several steps. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * A scheduler driven by hand, with a {@link ManualClock}-like time: timers fire when
 * {@link ManualScheduler.runDue} is called at or after their time. For tests.
 */
export class ManualScheduler implements Scheduler {
  private readonly timers = new Map<number, { at: number; callback: () => void }>();
  private readonly immediates = new Map<number, () => void>();
  private nextId = 1;

  constructor(private readonly now: () => number) {}

  setTimeout(callback: () => void, delayMs: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.now() + Math.min(Math.max(delayMs, 0), MAX_TIMER_DELAY_MS), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  setImmediate(callback: () => void): unknown {
    const id = this.nextId++;
    this.immediates.set(id, callback);
    return id;
  }

  clearImmediate(handle: unknown): void {
    this.immediates.delete(handle as number);
  }

  elapsed(): number {
    return performance.now();
  }

  /** Timers and immediates waiting to run. */
  get pending(): number {
    return this.timers.size + this.immediates.size;
  }

  /** Runs the immediates, then every timer that is due, until nothing due is left. */
  runDue(): void {
    for (let rounds = 0; rounds < 1_000_000; rounds++) {
      const immediate = this.immediates.entries().next();
      if (!immediate.done) {
        const [id, callback] = immediate.value;
        this.immediates.delete(id);
        callback();
        continue;
      }
      const due = [...this.timers].find(([, timer]) => timer.at <= this.now());
      if (due === undefined) return;
      this.timers.delete(due[0]);
      due[1].callback();
    }
    throw new Error('ManualScheduler: work never settles');
  }
}
