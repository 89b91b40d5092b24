import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenMap, tokenHash } from './token-map.js';

interface Held {
  readonly token: bigint;
  readonly n: number;
}

const MAX_UINT64 = 2n ** 64n - 1n;

/** Tokens that probe the edges: 0 (a free slot's halves), halves of 0 or all ones, and a few shared halves. */
const token = fc.oneof(
  fc.bigInt({ min: 0n, max: MAX_UINT64 }),
  fc.constantFrom(0n, 1n, 2n ** 32n, 2n ** 32n - 1n, MAX_UINT64, MAX_UINT64 - 1n, 2n ** 63n),
  // Few distinct values: the same tokens come back, to replace and delete what is there, and
  // enough of them live at once for long probe runs that wrap around the table's end.
  fc.integer({ min: 0, max: 60 }).map((n) => BigInt(n) << 32n),
  fc.integer({ min: 0, max: 60 }).map((n) => BigInt(n)),
);

type Operation = { op: 'set'; token: bigint; n: number } | { op: 'delete' | 'get'; token: bigint } | { op: 'clear' };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 160, arbitrary: fc.record({ op: fc.constant('set' as const), token, n: fc.integer() }) },
  { weight: 80, arbitrary: fc.record({ op: fc.constant('delete' as const), token }) },
  { weight: 60, arbitrary: fc.record({ op: fc.constant('get' as const), token }) },
  { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
);

/** Applies operations to a TokenMap and to a Map, checking that they agree all along. */
function replay(operations: readonly Operation[]): void {
  const table = new TokenMap<Held>();
  const model = new Map<bigint, Held>();
  for (const step of operations) {
    switch (step.op) {
      case 'set': {
        const held = { token: step.token, n: step.n };
        table.set(held);
        model.set(step.token, held);
        break;
      }
      case 'delete':
        expect(table.delete(step.token)).toBe(model.delete(step.token));
        break;
      case 'get':
        expect(table.get(step.token)).toBe(model.get(step.token));
        expect(table.has(step.token)).toBe(model.has(step.token));
        break;
      case 'clear':
        table.clear();
        model.clear();
    }
    expect(table.size).toBe(model.size);
  }
  for (const [key, held] of model) expect(table.get(key)).toBe(held);
  // Insertion order, as a Map keeps it (a replaced value keeps its place).
  expect(table.toArray()).toEqual([...model.values()]);
}

describe('TokenMap', () => {
  it('agrees with a Map over any sequence of sets, deletes, gets and clears, order included', () => {
    fc.assert(
      fc.property(fc.array(operation, { minLength: 300, maxLength: 1500, size: 'max' }), (operations) => replay(operations)),
      { numRuns: 100 },
    );
  });

  it('keeps every entry through growth, and through shrinking as most are deleted', () => {
    const table = new TokenMap<Held>();
    const model = new Map<bigint, Held>();
    let state = 0x9e3779b97f4a7c15n;
    const next = () => (state = (state * 6364136223846793005n + 1442695040888963407n) & MAX_UINT64);
    for (let n = 0; n < 20_000; n++) {
      const held = { token: next(), n };
      table.set(held);
      model.set(held.token, held);
    }
    expect(table.size).toBe(20_000);
    let n = 0;
    for (const key of model.keys()) {
      if (n++ % 10 === 0) continue; // keep one in ten: the table halves several times
      expect(table.delete(key)).toBe(true);
      model.delete(key);
    }
    expect(table.size).toBe(model.size);
    for (const [key, held] of model) expect(table.get(key)).toBe(held);
    expect(table.toArray()).toEqual([...model.values()]);
  });

  it('never takes a bigint beyond 64 bits for the token whose halves it shares', () => {
    const table = new TokenMap<Held>();
    const held = { token: 5n, n: 1 };
    const zero = { token: 0n, n: 2 };
    table.set(held);
    table.set(zero);
    expect(table.get(5n + 2n ** 64n)).toBeUndefined();
    expect(table.get(-(2n ** 64n) + 5n)).toBeUndefined();
    expect(table.get(2n ** 64n)).toBeUndefined();
    expect(table.delete(5n + 2n ** 64n)).toBe(false);
    expect(table.delete(2n ** 64n)).toBe(false);
    expect(table.get(5n)).toBe(held);
    expect(table.get(0n)).toBe(zero);
    expect(table.size).toBe(2);
  });

  it('spreads tokens whose halves agree in their low bits over as many hashes as random ones get', () => {
    // The halves of (b·2^16 + 9)·2^32 + (a·2^16 + 7): every token alike in both halves' low 16 bits.
    for (const seed of [0, 1, 0x5bd1e995, -1]) {
      const hashes = new Set<number>();
      for (let a = 0; a < 512; a++) {
        for (let b = 0; b < 512; b++) hashes.add(tokenHash((a << 16) | 7, (b << 16) | 9, seed));
      }
      // 262,144 tokens: random 32-bit hashes would repeat ~8 times; a hash blind to the high
      // bits of the halves' products gives at most 65,536.
      expect(hashes.size).toBeGreaterThan(262_144 - 100);
    }
  });
});
