import { describe, expect, it } from 'vitest';
import { forEachConcurrent, mapConcurrent } from './cluster.js';

describe('bounded concurrency', () => {
  it('mapConcurrent keeps order and never exceeds its limit', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapConcurrent([...Array(50).keys()], 4, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, n % 3));
      running--;
      return n * 2;
    });
    expect(results).toEqual([...Array(50).keys()].map((n) => n * 2));
    expect(peak).toBe(4);
    expect(await mapConcurrent([], 4, async () => 1)).toEqual([]);
  });

  it('forEachConcurrent streams a lazy iterable in batches', async () => {
    let produced = 0;
    function* items() {
      for (let i = 0; i < 10; i++) {
        produced++;
        yield i;
      }
    }
    const seen: number[] = [];
    await forEachConcurrent(items(), 3, async (n) => {
      expect(produced).toBeLessThanOrEqual(Math.min(10, (Math.floor(n / 3) + 1) * 3));
      seen.push(n);
    });
    expect(seen).toEqual([...Array(10).keys()]);
  });
});
