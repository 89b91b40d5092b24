import calculateSlot from 'cluster-key-slot';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyLayout } from './keys.js';
import { sessionSlot } from './slots.js';

describe('sessionSlot', () => {
  it("is Redis' slot of the session's keys (cluster-key-slot as the oracle), for any token and prefix", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.constantFrom('nemesis:', 'bench:', '', 'app-1/'), (token, prefix) => {
        const layout = new KeyLayout(prefix);
        const digits = String(token);
        expect(sessionSlot(digits)).toBe(calculateSlot(layout.sessionMeta(token)));
        expect(sessionSlot(digits)).toBe(calculateSlot(layout.sessionData(token)));
      }),
      { numRuns: 5000 },
    );
    expect(sessionSlot('0')).toBe(calculateSlot('{s:0}'));
  });
});
