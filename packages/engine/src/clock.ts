/**
 * Where the engine reads the time: whole milliseconds on a monotonic clock (wall-clock changes do
 * not move deadlines, as upstream's steady clock). Inject a {@link ManualClock} to test expiry.
 */
export interface Clock {
  /** Milliseconds since an arbitrary origin; never decreases. */
  now(): number;
}

/** The process's monotonic clock (`performance.now()`), in whole milliseconds. */
export const monotonicClock: Clock = {
  now: () => Math.floor(performance.now()),
};

/** A clock that only moves when told to: for tests and simulations. */
export class ManualClock implements Clock {
  constructor(private time = 0) {}

  now(): number {
    return this.time;
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError('a clock never goes back');
    this.time += ms;
  }

  /** Sets the clock to `ms` (not earlier than now). */
  set(ms: number): void {
    this.advance(ms - this.time);
  }
}
