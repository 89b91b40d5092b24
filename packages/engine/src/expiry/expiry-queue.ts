import type { Clock } from '../clock.js';
import type { Scheduler } from '../scheduler.js';
import { MinHeap } from './min-heap.js';

/**
 * An entry the queue can hold. The queue owns the link fields (an intrusive list per slot), so
 * scheduling, moving and removing an entry allocate nothing.
 */
export interface Expirable {
  /** Engine-clock milliseconds; the entry is due once the clock is past it (`now > deadline`). */
  deadline: number;
  dueSlot: number;
  duePrev: Expirable | null;
  dueNext: Expirable | null;
}

export interface ExpiryQueueOptions<T extends Expirable> {
  clock: Clock;
  scheduler: Scheduler;
  /** Called for each entry whose deadline has passed, already unlinked; may schedule it again. */
  onDue: (entry: T, now: number) => void;
  /** Width of a slot: entries are reclaimed at most this long after their deadline (plus timer latency). */
  slotMs?: number;
  /** Longest run of reclaim work before yielding the event loop. */
  sliceMs?: number;
}

/** Default slot width: reclaim within ~25 ms of a deadline. */
export const DEFAULT_SLOT_MS = 25;
/** Default reclaim slice: the event loop is never held longer than this by expiry. */
export const DEFAULT_SLICE_MS = 10;

/** A slot not yet holding entries, in the field that says where an entry is linked. */
const UNLINKED = -1;

/**
 * Deadlines of many entries behind one re-armed timer.
 *
 * Entries are bucketed by `floor(deadline / slotMs)` into intrusive doubly-linked lists; a min-heap
 * of slot numbers says which slot comes due next, and a single timer is armed for it. Adding,
 * moving (an extend) and removing are O(1) apart from a heap push when a slot is first used.
 * Reclaim runs in slices of at most `sliceMs`, yielding the event loop between them, so that a
 * million entries due in the same millisecond never stall other work for long. Exactness does not
 * depend on the queue: callers check `now > deadline` whenever they touch an entry; the queue only
 * reclaims memory of entries nobody touches.
 */
export class ExpiryQueue<T extends Expirable> {
  private readonly slots = new Map<number, T>();
  /** Slot numbers that have (or had) entries; stale ones are skipped when popped. */
  private readonly heap = new MinHeap();
  private readonly slotMs: number;
  private readonly sliceMs: number;
  private timer: unknown = null;
  private timerSlot = Infinity;
  private continuation: unknown = null;
  private entries = 0;

  constructor(private readonly options: ExpiryQueueOptions<T>) {
    this.slotMs = options.slotMs ?? DEFAULT_SLOT_MS;
    this.sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
  }

  /** How many entries are scheduled. */
  get size(): number {
    return this.entries;
  }

  /** Schedules an entry that is not in the queue, at its `deadline`. */
  add(entry: T): void {
    const slot = Math.floor(entry.deadline / this.slotMs);
    const head = this.slots.get(slot);
    entry.dueSlot = slot;
    entry.duePrev = null;
    entry.dueNext = head ?? null;
    if (head !== undefined) head.duePrev = entry;
    this.slots.set(slot, entry);
    this.entries++;
    if (head === undefined) {
      this.heap.push(slot);
      this.compactIfStale();
      if (slot < this.timerSlot) this.arm(slot);
    }
  }

  /** Reschedules an entry whose `deadline` changed. */
  move(entry: T): void {
    if (entry.dueSlot === Math.floor(entry.deadline / this.slotMs)) return;
    this.remove(entry);
    this.add(entry);
  }

  /** Takes an entry out of the queue (no-op when it is not in it). */
  remove(entry: T): void {
    const slot = entry.dueSlot;
    if (slot === UNLINKED) return;
    const prev = entry.duePrev as T | null;
    const next = entry.dueNext as T | null;
    if (prev !== null) prev.dueNext = next;
    else if (next !== null) this.slots.set(slot, next);
    else this.slots.delete(slot);
    if (next !== null) next.duePrev = prev;
    entry.dueSlot = UNLINKED;
    entry.duePrev = null;
    entry.dueNext = null;
    this.entries--;
  }

  /** Empties the queue (entries keep stale links: do not reuse them). */
  clear(): void {
    this.slots.clear();
    this.heap.clear();
    this.entries = 0;
    this.disarm();
  }

  /** Stops the timer; the queue can still be drained by hand. */
  dispose(): void {
    this.clear();
  }

  /**
   * Hands every entry due at `now` to `onDue`, or as many as fit in `budgetMs` of real time.
   * Returns true when nothing due is left.
   */
  drain(now: number, budgetMs = Infinity): boolean {
    const scheduler = this.options.scheduler;
    const started = budgetMs === Infinity ? 0 : scheduler.elapsed();
    const lastDueSlot = Math.floor(now / this.slotMs);
    let handled = 0;
    for (;;) {
      const slot = this.heap.peek();
      if (slot === undefined || slot > lastDueSlot) return true;
      let entry = this.slots.get(slot);
      if (entry === undefined) {
        this.heap.pop(); // stale: emptied by moves and removals
        continue;
      }
      // Entries of a slot are not sorted; in the current slot some may not be due yet.
      let pending = false;
      while (entry !== undefined) {
        const next: T | undefined = (entry.dueNext as T | null) ?? undefined;
        if (now > entry.deadline) {
          this.remove(entry);
          this.options.onDue(entry, now);
          if ((++handled & 255) === 0 && budgetMs !== Infinity && scheduler.elapsed() - started >= budgetMs) {
            return false;
          }
        } else {
          pending = true;
        }
        entry = next;
      }
      if (pending) return true; // the rest of this slot is not due: the timer will come back for it
      if (this.slots.get(slot) === undefined) this.heap.pop();
    }
  }

  /** Arms the one timer for the end of `slot`, when all of its entries are due. */
  private arm(slot: number): void {
    this.disarmTimer();
    this.timerSlot = slot;
    const due = (slot + 1) * this.slotMs;
    const delay = Math.max(0, due - this.options.clock.now());
    this.timer = this.options.scheduler.setTimeout(() => this.onTimer(), delay);
  }

  private onTimer(): void {
    this.timer = null;
    this.timerSlot = Infinity;
    this.runSlice();
  }

  private runSlice(): void {
    this.continuation = null;
    const done = this.drain(this.options.clock.now(), this.sliceMs);
    if (!done) {
      // Yield to pending I/O, then go on: other connections are served between slices.
      this.continuation = this.options.scheduler.setImmediate(() => this.runSlice());
      return;
    }
    this.rearm();
  }

  /** Arms the timer for the earliest slot that still has entries. */
  private rearm(): void {
    for (;;) {
      const slot = this.heap.peek();
      if (slot === undefined) return this.disarmTimer();
      if (this.slots.has(slot)) {
        // A slot still partly pending comes back one timer later (its end is in the future).
        if (slot !== this.timerSlot || this.timer === null) this.arm(slot);
        return;
      }
      this.heap.pop();
    }
  }

  private disarm(): void {
    this.disarmTimer();
    if (this.continuation !== null) this.options.scheduler.clearImmediate(this.continuation);
    this.continuation = null;
  }

  private disarmTimer(): void {
    if (this.timer !== null) this.options.scheduler.clearTimeout(this.timer);
    this.timer = null;
    this.timerSlot = Infinity;
  }

  /**
   * Moves leave their old slot numbers in the heap until those come due. A session extended on
   * every read would pile them up over a long duration, so the heap is rebuilt from the live slots
   * once stale numbers outnumber them.
   */
  private compactIfStale(): void {
    if (this.heap.size > 2 * this.slots.size + 1024) this.heap.rebuild(this.slots.keys());
  }
}
