import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock.js';
import { ManualScheduler } from '../../scheduler.js';
import { RandomTokens } from '../../tokens.js';
import { MemorySessions } from './memory-sessions.js';

// Sessions without keys share one empty key map until their first key (memory-sessions.ts,
// NO_KEYS): these hold that sharing to be invisible.

function sessions(): MemorySessions {
  const clock = new ManualClock(1_000_000);
  return new MemorySessions({ clock, scheduler: new ManualScheduler(() => clock.now()), tokens: new RandomTokens() });
}

describe('sessions without keys', () => {
  it('share no keys: what one session gets, clears or removes never shows in another', () => {
    const store = sessions();
    const [a, b, c] = [store.create(undefined), store.create(undefined), store.create(undefined)];
    store.set(a, { x: 1 }, true);
    expect(store.keys(b)).toEqual([]);
    expect(store.get(c, ['x'])).toEqual({});
    expect(store.clear(a)).toBe(1);
    store.set(b, { y: 2 }, false);
    expect(store.keys(a)).toEqual([]);
    expect(store.keys(c)).toEqual([]);
    store.set(a, { z: 3 }, true);
    store.remove(b, ['y']);
    store.clearSet(c, { w: 4 });
    const d = store.create(undefined);
    expect([store.keys(a), store.keys(b), store.keys(c), store.keys(d)]).toEqual([['z'], [], ['w'], []]);
    expect(store.totals()).toEqual({ sessions: 4, keys: 2 });
    const restored = sessions();
    restored.restore([
      { token: 1n, shared: false, expiry: undefined, keys: {} },
      { token: 2n, shared: false, expiry: undefined, keys: { k: 'v' } },
    ]);
    restored.set(1n, { n: 1 }, true);
    expect([restored.keys(1n), restored.keys(2n)]).toEqual([['n'], ['k']]);
  });

  it('are saved empty by a snapshot taken before their first key', () => {
    const store = sessions();
    const empty = store.create(undefined);
    const cleared = store.create(undefined);
    store.set(cleared, { old: 1 }, true);
    store.clear(cleared);
    const snapshot = store.snapshot();
    store.set(empty, { late: 1 }, true);
    store.set(cleared, { late: 2 }, true);
    const saved = new Map([...snapshot].map((record) => [record.token, record.keys]));
    snapshot.close();
    expect(saved.get(empty)).toEqual({});
    expect(saved.get(cleared)).toEqual({});
    expect(store.keys(empty)).toEqual(['late']);
  });
});

describe('snapshots and SH_SET_EXPIRY', () => {
  it('a snapshot taken before a session gets new settings reads those of its moment; a later one the new ones', () => {
    const store = sessions();
    const settings = { durationSeconds: 60, deleteSession: true, extendOnSetAdd: false, extendOnGet: false };
    const token = store.create(settings);
    const before = store.snapshot();
    store.setExpiry(token, undefined);
    const after = store.snapshot();
    expect([...before].map((record) => record.expiry)).toEqual([settings]);
    expect([...after].map((record) => record.expiry)).toEqual([undefined]);
    store.close();
  });
});
