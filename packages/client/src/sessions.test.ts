import { describe, expect, it } from 'vitest';
import { db, nemesisError, shareOneClient, sleep } from './app-server.test-util.js';
import { expiryOf } from './sessions.js';
import type { SessionToken } from './token.js';

shareOneClient((client) => client.sessions.endAll());

describe('expiry options (checked before sending, like the Python client)', () => {
  it('builds the expiry member', () => {
    expect(expiryOf({})).toEqual({});
    expect(expiryOf({ durationSeconds: 0 })).toEqual({});
    expect(expiryOf({ durationSeconds: 60, deleteSessionOnExpire: true, extendOnGet: true })).toEqual({
      expiry: { duration: 60, deleteSession: true, extendOnSetAdd: false, extendOnGet: true },
    });
    expect(expiryOf({ durationSeconds: 2n ** 60n })).toMatchObject({ expiry: { duration: 2n ** 60n } });
  });

  it('refuses a negative or fractional duration and flags without a duration', () => {
    expect(() => expiryOf({ durationSeconds: -1 })).toThrow(RangeError);
    expect(() => expiryOf({ durationSeconds: -1n })).toThrow(RangeError);
    expect(() => expiryOf({ durationSeconds: 1.5 })).toThrow(RangeError);
    expect(() => expiryOf({ durationSeconds: Number.NaN })).toThrow(RangeError);
    expect(() => expiryOf({ durationSeconds: 2n ** 64n })).toThrow(RangeError);
    expect(() => expiryOf({ deleteSessionOnExpire: true })).toThrow(RangeError);
    expect(() => expiryOf({ durationSeconds: 0, extendOnGet: true })).toThrow(RangeError);
    expect(() => expiryOf({ durationSeconds: 0, extendOnSetAdd: true })).toThrow(RangeError);
    expect(() => expiryOf({ durationSeconds: 5, extendOnGet: 'yes' as never })).toThrow(TypeError);
  });

  it('rejects create() with a RangeError and sends nothing', async () => {
    const before = await db.sessions.infoAll();
    await expect(db.sessions.create({ durationSeconds: -5 })).rejects.toThrow(RangeError);
    await expect(db.sessions.create({ durationSeconds: 0, deleteSessionOnExpire: true })).rejects.toThrow(RangeError);
    expect(await db.sessions.infoAll()).toEqual(before);
  });
});

describe('a session', () => {
  it('is created with an exact 64-bit token, as a decimal string', async () => {
    const s = await db.sessions.create();
    expect(s.token).toMatch(/^(0|[1-9][0-9]{0,19})$/);
    expect(BigInt(s.token)).toBeLessThan(2n ** 64n);
    expect(JSON.stringify({ s })).toBe(`{"s":"${s.token}"}`);
    expect(String(s)).toBe(s.token);
    // The same token through the raw command: the client never rounds it.
    const info = await db.command('SH_INFO', { tkn: s.token });
    expect(String(info.tkn)).toBe(s.token);
  });

  it('sets, adds, gets, counts, lists, checks, removes and clears keys', async () => {
    const s = await db.sessions.create({ durationSeconds: 60 });
    await s.set({ cart: ['apple', 'pear'], user: { name: 'Ann', id: 2n ** 60n + 7n }, n: 1.5, nil: null });
    await s.add({ cart: 'ignored: exists', extra: true });
    expect(await s.get(['cart', 'user', 'n', 'nil', 'extra', 'absent'])).toEqual({
      cart: ['apple', 'pear'],
      user: { name: 'Ann', id: 2n ** 60n + 7n },
      n: 1.5,
      nil: null,
      extra: true,
    });
    expect(await s.get([])).toEqual({});
    expect(await s.count()).toBe(5);
    expect((await s.keys()).sort()).toEqual(['cart', 'extra', 'n', 'nil', 'user']);
    expect(await s.contains('cart')).toBe(true);
    expect(await s.contains('absent')).toBe(false);
    expect(await s.contains(['absent', 'cart', 'cart'])).toEqual([false, true, true]);
    await s.remove(['extra', 'absent']);
    expect(await s.count()).toBe(4);
    expect(await s.clearSet({ only: 1 })).toBe(4);
    expect(await s.get(['only', 'cart'])).toEqual({ only: 1 });
    expect(await s.clear()).toBe(1);
    expect(await s.count()).toBe(0);
    expect(await s.keys()).toEqual([]);
  });

  it('keeps integers beyond 2^53 exact both ways', async () => {
    const s = await db.sessions.create();
    const values = { max: 2n ** 64n - 1n, min: -(2n ** 63n), huge: 10n ** 30n, safe: Number.MAX_SAFE_INTEGER, unsafe: 2n ** 53n + 1n };
    await s.set(values);
    const back = await s.get(Object.keys(values));
    expect(back).toEqual(values);
    expect(typeof back.unsafe).toBe('bigint');
    expect(typeof back.safe).toBe('number');
  });

  it('reports its info', async () => {
    const forever = await db.sessions.create();
    await forever.set({ a: 1 });
    expect(await forever.info()).toEqual({ token: forever.token, keyCount: 1, shared: false, expires: false });

    const s = await db.sessions.create({ durationSeconds: 60, deleteSessionOnExpire: true, extendOnGet: true });
    const info = await s.info();
    expect(info).toEqual({
      token: s.token,
      keyCount: 0,
      shared: false,
      expires: true,
      expiry: {
        durationSeconds: 60,
        remainingSeconds: expect.any(Number),
        deleteSessionOnExpire: true,
        extendOnSetAdd: false,
        extendOnGet: true,
      },
    });
    if (info.expires) expect(info.expiry.remainingSeconds).toBeGreaterThanOrEqual(58);
  });

  it('ends', async () => {
    const s = await db.sessions.create();
    await s.end();
    expect(await db.sessions.exists(s.token)).toBe(false);
    const error = await nemesisError(s.end());
    expect(error).toMatchObject({ status: 100, statusName: 'SessionNotExist', command: 'SH_END' });
  });

  it('expires after its duration; with deleteSessionOnExpire its token stops working', async () => {
    const s = await db.sessions.create({ durationSeconds: 1, deleteSessionOnExpire: true });
    const kept = await db.sessions.create({ durationSeconds: 1 }); // keys cleared, session kept
    await s.set({ a: 1 });
    await kept.set({ a: 1 });
    expect(await s.get(['a'])).toEqual({ a: 1 });
    await sleep(1_300);
    expect(await db.sessions.exists([s.token, kept.token])).toEqual([false, true]);
    expect((await nemesisError(s.get(['a']))).status).toBe(100);
    expect(await kept.get(['a'])).toEqual({});
  });

  it('extends its lifetime on get with extendOnGet', async () => {
    const s = await db.sessions.create({ durationSeconds: 1, deleteSessionOnExpire: true, extendOnGet: true });
    for (let i = 0; i < 3; i++) {
      await sleep(500);
      await s.get(['a']); // each get restarts the second
    }
    expect(await db.sessions.exists(s.token)).toBe(true);
  });
});

describe('a session opened by token', () => {
  it('reaches the same session from a string token (e.g. a cookie)', async () => {
    const s = await db.sessions.create();
    await s.set({ theme: 'dark' });
    const cookie = `sid=${s.token}`;
    const again = db.sessions.open(cookie.slice(4));
    expect(again.token).toBe(s.token);
    expect(await again.get(['theme'])).toEqual({ theme: 'dark' });
    expect(db.sessions.open(BigInt(s.token)).token).toBe(s.token);
  });

  it('of an unknown token: every method rejects with status 100', async () => {
    const ghost = db.sessions.open('12345678901234567890' as SessionToken);
    const calls: [string, Promise<unknown>][] = [
      ['SH_SET', ghost.set({ a: 1 })],
      ['SH_ADD', ghost.add({ a: 1 })],
      ['SH_GET', ghost.get(['a'])],
      ['SH_RMV', ghost.remove(['a'])],
      ['SH_CLEAR', ghost.clear()],
      ['SH_CLEAR_SET', ghost.clearSet({ a: 1 })],
      ['SH_COUNT', ghost.count()],
      ['SH_CONTAINS', ghost.contains('a')],
      ['SH_KEYS', ghost.keys()],
      ['SH_INFO', ghost.info()],
      ['SH_END', ghost.end()],
    ];
    for (const [command, call] of calls) {
      expect(await nemesisError(call)).toMatchObject({ status: 100, statusName: 'SessionNotExist', command });
    }
  });

  it('refuses what is not a token, before sending', () => {
    expect(() => db.sessions.open('abc')).toThrow(TypeError);
    expect(() => db.sessions.open('-1')).toThrow(TypeError);
  });
});

describe('the sessions', () => {
  it('tell which exist, one boolean per token in order', async () => {
    const a = await db.sessions.create();
    const b = await db.sessions.create();
    await b.end();
    expect(await db.sessions.exists(a.token)).toBe(true);
    expect(await db.sessions.exists([b.token, a.token, '1', a.token])).toEqual([false, true, false, true]);
    expect(await db.sessions.exists([])).toEqual([]);
    await expect(db.sessions.exists(['x'])).rejects.toThrow(TypeError);
  });

  it('count sessions and keys, and end them all', async () => {
    const a = await db.sessions.create();
    const b = await db.sessions.create();
    await a.set({ x: 1, y: 2 });
    await b.set({ z: 3 });
    await db.kv.set({ notCounted: 1 });
    expect(await db.sessions.infoAll()).toEqual({ sessions: 2, keys: 3 });
    expect(await db.sessions.endAll()).toBe(2);
    expect(await db.sessions.infoAll()).toEqual({ sessions: 0, keys: 0 });
    expect(await db.kv.contains('notCounted')).toBe(true);
  });

  it('report errors with the status and the server message', async () => {
    const s = await db.sessions.create();
    const error = await nemesisError(s.remove([]));
    expect(error).toMatchObject({ status: 42, statusName: 'ValueSize', command: 'SH_RMV', serverMessage: 'keys', envelope: 'response' });
    expect(error.message).toContain('SH_RMV failed with status 42 (ValueSize');
  });
});
