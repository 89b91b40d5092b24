import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { ManualScheduler } from '../scheduler.js';
import { ExpiryQueue, type Expirable } from './expiry-queue.js';
import { MinHeap } from './min-heap.js';

interface Entry extends Expirable {
  id: number;
}

function entry(id: number, deadline: number): Entry {
  return { id, deadline, dueSlot: -1, duePrev: null, dueNext: null };
}

function setup(options: { slotMs?: number; sliceMs?: number; elapsed?: () => number } = {}) {
  const clock = new ManualClock(0);
  const scheduler = new ManualScheduler(() => clock.now());
  if (options.elapsed) scheduler.elapsed = options.elapsed;
  const due: [number, number][] = [];
  const queue = new ExpiryQueue<Entry>({
    clock,
    scheduler,
    slotMs: options.slotMs,
    sliceMs: options.sliceMs,
    onDue: (e, now) => due.push([e.id, now]),
  });
  return { clock, scheduler, queue, due };
}

describe('ExpiryQueue', () => {
  it('hands over entries past their deadline when their slot ends', () => {
    const { clock, scheduler, queue, due } = setup({ slotMs: 10 });
    queue.add(entry(1, 100));
    queue.add(entry(2, 35));
    queue.add(entry(3, 36));
    expect(queue.size).toBe(3);
    clock.set(39);
    scheduler.runDue();
    expect(due).toEqual([]); // the timer waits for the end of the slot (40)
    expect(queue.drain(36)).toBe(true); // by hand: only what is strictly past
    expect(due.map(([id]) => id)).toEqual([2]);
    clock.set(40);
    scheduler.runDue();
    expect(due.map(([id]) => id)).toEqual([2, 3]);
    clock.set(1000);
    scheduler.runDue();
    expect(due.map(([id]) => id)).toEqual([2, 3, 1]);
    expect(queue.size).toBe(0);
    expect(scheduler.pending).toBe(0);
  });

  it('keeps one timer armed for the earliest slot', () => {
    const { scheduler, queue } = setup({ slotMs: 10 });
    for (let i = 0; i < 1000; i++) queue.add(entry(i, 5000 + i));
    expect(scheduler.pending).toBe(1);
    queue.add(entry(-1, 20));
    expect(scheduler.pending).toBe(1);
  });

  it('moves and removes entries', () => {
    const { clock, scheduler, queue, due } = setup({ slotMs: 10 });
    const a = entry(1, 50);
    const b = entry(2, 50);
    const c = entry(3, 50);
    queue.add(a);
    queue.add(b);
    queue.add(c);
    queue.remove(b);
    queue.remove(b); // twice is harmless
    a.deadline = 500;
    queue.move(a);
    clock.set(100);
    scheduler.runDue();
    expect(due.map(([id]) => id)).toEqual([3]);
    clock.set(510);
    scheduler.runDue();
    expect(due.map(([id]) => id)).toEqual([3, 1]);
  });

  it('lets onDue schedule the entry again (re-arm)', () => {
    const clock = new ManualClock(0);
    const scheduler = new ManualScheduler(() => clock.now());
    let fired = 0;
    const e = entry(1, 1000);
    const queue: ExpiryQueue<Entry> = new ExpiryQueue<Entry>({
      clock,
      scheduler,
      onDue: (item) => {
        fired++;
        item.deadline += 1000;
        queue.add(item);
      },
    });
    queue.add(e);
    for (let t = 1; t <= 10; t++) {
      clock.set(t * 1000 + 30);
      scheduler.runDue();
    }
    expect(fired).toBe(10);
    expect(e.deadline).toBe(11_000);
  });

  it('works in slices when many entries are due together, yielding between them', () => {
    let fakeTime = 0;
    const { clock, scheduler, queue, due } = setup({ sliceMs: 10, elapsed: () => (fakeTime += 0.05) });
    for (let i = 0; i < 50_000; i++) queue.add(entry(i, 1000));
    clock.set(2000);
    scheduler.runDue();
    expect(due.length).toBe(50_000);
    expect(new Set(due.map(([id]) => id)).size).toBe(50_000);
    expect(queue.size).toBe(0);
  });

  it('stops after a slice and continues on the next turn of the event loop', () => {
    let fakeTime = 0;
    const { clock, queue, due } = setup({ sliceMs: 10, elapsed: () => (fakeTime += 1) });
    for (let i = 0; i < 5000; i++) queue.add(entry(i, 1000));
    expect(queue.drain(2000, 10)).toBe(false);
    expect(due.length).toBeGreaterThan(0);
    expect(due.length).toBeLessThan(5000);
    expect(queue.drain(clock.now() + 2000)).toBe(true);
    expect(due.length).toBe(5000);
  });

  it('compacts stale slot numbers left by moves', () => {
    const { queue } = setup({ slotMs: 10 });
    const e = entry(1, 100);
    queue.add(e);
    for (let i = 1; i < 100_000; i++) {
      e.deadline = 100 + i * 10; // a new slot every time, as an extend on every read would
      queue.move(e);
    }
    const heap = (queue as unknown as { heap: MinHeap }).heap;
    expect(heap.size).toBeLessThan(2000);
  });

  it('clear() forgets everything and disarms', () => {
    const { scheduler, queue } = setup();
    queue.add(entry(1, 10));
    queue.clear();
    expect(queue.size).toBe(0);
    expect(scheduler.pending).toBe(0);
  });
});

describe('MinHeap', () => {
  it('pops numbers in ascending order, after pushes and rebuilds', () => {
    const heap = new MinHeap();
    const values = Array.from({ length: 1000 }, () => Math.floor(Math.random() * 500));
    for (const v of values) heap.push(v);
    const popped: number[] = [];
    while (heap.size > 0) popped.push(heap.pop()!);
    expect(popped).toEqual([...values].sort((a, b) => a - b));
    heap.rebuild(values);
    expect(heap.peek()).toBe(Math.min(...values));
  });
});
