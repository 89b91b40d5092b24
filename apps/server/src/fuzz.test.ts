import { describe, expect, it } from 'vitest';
import { fuzz, type FuzzOptions } from '../fuzz/live-fuzz.js';

describe('live fuzzing (bounded; `pnpm fuzz` runs a million frames)', () => {
  it.each<[string, Pick<FuzzOptions, 'seed' | 'writes'>, number]>([
    [
      'survives random frames: no crash, every message answered or a documented close, the well-behaved client untouched',
      { seed: 42 },
      1 / 2,
    ],
    [
      'survives the same with frames coalesced into reads and cut across them (the fast receive path)',
      { seed: 7, writes: 'coalesced' },
      1 / 3,
    ],
  ])(
    '%s',
    async (_name, options, leastRepliedShare) => {
      const report = await fuzz({ frames: 6000, connections: 4, ...options });
      expect(report.frames).toBeGreaterThanOrEqual(6000);
      expect(report.crashes).toBe(0);
      expect(report.unanswered).toBe(0);
      expect(report.wellBehavedFailures).toBe(0);
      expect(report.replies).toBeGreaterThan(report.messages * leastRepliedShare);
    },
    120_000,
  );
});
