import { describe, expect, it } from 'vitest';
import { DEFAULT_RECONNECT, reconnectDelay, reconnectPolicy } from './backoff.js';

describe('reconnect backoff', () => {
  const fixed = reconnectPolicy({ initialDelayMs: 100, maxDelayMs: 1_000, factor: 2, jitter: 0 });

  it('grows exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 50].map((attempt) => reconnectDelay(attempt, fixed))).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
  });

  it('randomises the jitter fraction of each delay', () => {
    const half = reconnectPolicy({ initialDelayMs: 100, maxDelayMs: 1_000, jitter: 0.5 });
    expect(reconnectDelay(3, half, () => 0)).toBe(400);
    expect(reconnectDelay(3, half, () => 0.999999)).toBe(200);
    const full = reconnectPolicy({ initialDelayMs: 100, jitter: 1 });
    expect(reconnectDelay(1, full, () => 0.999999)).toBe(0);
    for (let i = 0; i < 100; i++) {
      const delay = reconnectDelay(4, half);
      expect(delay).toBeGreaterThanOrEqual(400);
      expect(delay).toBeLessThanOrEqual(800);
    }
  });

  it('has documented defaults', () => {
    expect(reconnectPolicy()).toEqual(DEFAULT_RECONNECT);
    expect(reconnectPolicy({ maxAttempts: undefined })).toEqual(DEFAULT_RECONNECT);
    expect(DEFAULT_RECONNECT).toMatchObject({ initialDelayMs: 100, maxDelayMs: 10_000, factor: 2, jitter: 0.5 });
  });

  it('refuses nonsense', () => {
    expect(() => reconnectPolicy({ initialDelayMs: -1 })).toThrow(RangeError);
    expect(() => reconnectPolicy({ initialDelayMs: 500, maxDelayMs: 100 })).toThrow(RangeError);
    expect(() => reconnectPolicy({ factor: 0.5 })).toThrow(RangeError);
    expect(() => reconnectPolicy({ jitter: 2 })).toThrow(RangeError);
    expect(() => reconnectPolicy({ maxAttempts: 0 })).toThrow(RangeError);
  });
});
