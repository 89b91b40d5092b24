import { describe, expect, it } from 'vitest';
import { fuzz } from '../fuzz/live-fuzz.js';

describe('live fuzzing (bounded; `pnpm fuzz` runs a million frames)', () => {
  it('survives random frames: no crash, every message answered or a documented close, the well-behaved client untouched', async () => {
    const report = await fuzz({ frames: 6000, connections: 4, seed: 42 });
    expect(report.frames).toBeGreaterThanOrEqual(6000);
    expect(report.crashes).toBe(0);
    expect(report.unanswered).toBe(0);
    expect(report.wellBehavedFailures).toBe(0);
    expect(report.replies).toBeGreaterThan(report.messages / 2);
  }, 120_000);

  it('survives the same with frames coalesced into reads and cut across them (the fast receive path)', async () => {
    const report = await fuzz({ frames: 6000, connections: 4, seed: 7, writes: 'coalesced' });
    expect(report.frames).toBeGreaterThanOrEqual(6000);
    expect(report.crashes).toBe(0);
    expect(report.unanswered).toBe(0);
    expect(report.wellBehavedFailures).toBe(0);
    expect(report.replies).toBeGreaterThan(report.messages / 3);
  }, 120_000);
});
