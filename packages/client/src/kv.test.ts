import { beforeEach, describe, expect, it } from 'vitest';
import { db, nemesisError, shareOneClient } from './app-server.test-util.js';

shareOneClient((client) => client.kv.clear());

describe('independent keys', () => {
  it('set, add, get (present keys only), count, keys, contains, remove, clear', async () => {
    await db.kv.set({ username: 'Bob', age: 26, cars: ['BMW', 'Ford'] });
    await db.kv.add({ username: 'not overwritten', city: 'Leeds' });
    expect(await db.kv.get(['username', 'age', 'cars', 'city', 'nope'])).toEqual({
      username: 'Bob',
      age: 26,
      cars: ['BMW', 'Ford'],
      city: 'Leeds',
    });
    expect(await db.kv.get([])).toEqual({});
    expect(await db.kv.count()).toBe(4);
    expect((await db.kv.keys()).sort()).toEqual(['age', 'cars', 'city', 'username']);
    expect(await db.kv.contains('age')).toBe(true);
    expect(await db.kv.contains(['nope', 'age'])).toEqual([false, true]);
    await db.kv.remove(['age', 'nope']);
    expect(await db.kv.contains('age')).toBe(false);
    expect(await db.kv.clear()).toBe(3);
    expect(await db.kv.count()).toBe(0);
    expect(await db.kv.keys()).toEqual([]);
  });

  it('set({}) is fine; remove([]) is status 42', async () => {
    await db.kv.set({});
    expect(await nemesisError(db.kv.remove([]))).toMatchObject({ status: 42, command: 'KV_RMV', serverMessage: 'keys' });
  });

  it('clearSet replaces everything and counts what it removed', async () => {
    await db.kv.set({ a: 1, b: 2 });
    expect(await db.kv.clearSet({ c: 3 })).toBe(2);
    expect(await db.kv.keys()).toEqual(['c']);
  });

  it('round-trips integers beyond 2^53 and the edges of 64 bits', async () => {
    const values = { token: 16351792548006066062n, negative: -(2n ** 63n), nested: { list: [2n ** 53n + 1n, 1, 'x'] } };
    await db.kv.set(values);
    expect(await db.kv.get(['token', 'negative', 'nested'])).toEqual(values);
  });

  it('writes values like JSON.stringify (toJSON honoured, undefined members left out)', async () => {
    const when = new Date('2024-01-02T03:04:05.000Z');
    await db.kv.set({ when, gone: undefined });
    expect(await db.kv.get(['when', 'gone'])).toEqual({ when: '2024-01-02T03:04:05.000Z' });
  });

  it('refuses a cyclic value before sending', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(db.kv.set({ cyclic })).rejects.toThrow(TypeError);
    expect(await db.kv.count()).toBe(0);
  });
});

describe('find', () => {
  beforeEach(async () => {
    await db.kv.set({
      phone: { make: 'Samsung', sensors: ['a', 'b', 'c'] },
      laptop: { make: 'Apple', sensors: ['a'] },
      list: [{ make: 'x' }, { make: 'Samsung', sensors: [1, 2, 3] }],
    });
  });

  it('returns matching keys by default', async () => {
    expect((await db.kv.find('$.make')).sort()).toEqual(['laptop', 'phone']);
    expect((await db.kv.find("$[?(@.make == 'Samsung')]")).sort()).toEqual(['list']);
    expect(await db.kv.find('$.make', { keys: ['laptop'] })).toEqual(['laptop']);
  });

  it('returns paths or whole values when asked', async () => {
    expect(await db.kv.find('$[?(@.sensors.length >= 3)]', 'paths', { keys: ['list'] })).toEqual(['$[1]']);
    expect(await db.kv.find('$.sensors', 'kv', { keys: ['laptop', 'phone'] })).toEqual({
      laptop: { make: 'Apple', sensors: ['a'] },
      phone: { make: 'Samsung', sensors: ['a', 'b', 'c'] },
    });
    expect(await db.kv.find('$.nothing', 'keys')).toEqual([]);
  });

  it('rejects a bad path with status 4, an empty one with 42', async () => {
    expect(await nemesisError(db.kv.find('$[?('))).toMatchObject({ status: 4, statusName: 'PathInvalid', command: 'KV_FIND' });
    expect(await nemesisError(db.kv.find(''))).toMatchObject({ status: 42, command: 'KV_FIND' });
  });
});

describe('update and arrAppend', () => {
  it('update replaces the nodes a path selects and counts them', async () => {
    await db.kv.set({
      user: {
        access: [
          { level: 1, permit: true },
          { level: 3, permit: true },
        ],
      },
    });
    expect(await db.kv.update('user', '$.access[?(@.level > 2)].permit', false)).toBe(1);
    expect(await db.kv.update('user', '$.nothing', 1)).toBe(0);
    expect(await db.kv.get(['user'])).toEqual({
      user: {
        access: [
          { level: 1, permit: true },
          { level: 3, permit: false },
        ],
      },
    });
    expect(await db.kv.update('user', '$', null)).toBe(1);
    expect(await db.kv.get(['user'])).toEqual({ user: null });
  });

  it('update: an absent key is status 22, a bad path is ERR 1000, undefined is refused', async () => {
    expect(await nemesisError(db.kv.update('absent', '$', 1))).toMatchObject({
      status: 22,
      statusName: 'KeyNotExist',
      command: 'KV_UPDATE',
    });
    await db.kv.set({ k: { a: 1 } });
    expect(await nemesisError(db.kv.update('k', '$[', 1))).toMatchObject({
      status: 1000,
      statusName: 'Unknown',
      envelope: 'ERR',
      command: 'KV_UPDATE',
    });
    await expect(db.kv.update('k', '$', undefined)).rejects.toThrow(TypeError);
  });

  it('arrAppend appends to an array value or to a member of an object value', async () => {
    await db.kv.set({ teams: ['Leeds'], profile: { teams: [] } });
    await db.kv.arrAppend('teams', ['Saracens', 'Saracens']);
    await db.kv.arrAppend('profile', ['Bath', 2n ** 60n], { name: 'teams' });
    expect(await db.kv.get(['teams', 'profile'])).toEqual({
      teams: ['Leeds', 'Saracens', 'Saracens'],
      profile: { teams: ['Bath', 2n ** 60n] },
    });
  });

  it('arrAppend: an absent key is status 22, a non-array is 1000', async () => {
    expect(await nemesisError(db.kv.arrAppend('absent', [1]))).toMatchObject({ status: 22, command: 'KV_ARR_APPEND' });
    await db.kv.set({ scalar: 5 });
    expect(await nemesisError(db.kv.arrAppend('scalar', [1]))).toMatchObject({ status: 1000, command: 'KV_ARR_APPEND' });
  });
});
