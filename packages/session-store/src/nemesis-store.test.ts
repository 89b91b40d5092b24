// NemesisStore's own API against the real nemesisdb app: callbacks and promises, TTLs, the
// prefix-wide calls, exact values, and what happens when a session changes behind its back.
import { ConnectionError, NemesisClient } from '@nemesisdb/client';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort, startApp, until } from '@nemesisdb/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eachInTurns } from './in-turns.js';
import { NemesisStore, type StoredSession } from './nemesis-store.js';
import { SWEEP_AFTER } from './session-index.js';
import { sleep, startNemesis, stopAll, type Child } from './testing/processes.test-util.js';

let server: Child;
let db: NemesisClient;
const stores: NemesisStore[] = [];

beforeAll(async () => {
  server = await startNemesis();
  db = await NemesisClient.connect(server.url);
});
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await db?.close();
  await stopAll();
});

let counter = 0;
/** A store with a prefix of its own, so tests do not see each other's sessions. */
function newStore(options: Partial<ConstructorParameters<typeof NemesisStore>[0]> = {}): NemesisStore {
  const store = new NemesisStore({ url: server.url, prefix: `t${counter++}-${Date.now()}:`, ...options });
  stores.push(store);
  return store;
}

/** `each(i)` for i < count, as the store runs its own sweeps. */
const eachOf = (count: number, each: (i: number) => Promise<unknown>) =>
  eachInTurns(
    Array.from({ length: count }, (_, i) => i),
    each,
  );

/** The KV keys of a store's index (on the shared test server). */
const indexEntries = async (store: NemesisStore) =>
  (await db.kv.keys()).filter((key) => key.startsWith(`nemesis-session-store:${store.prefix}`));

const web = (extra: Record<string, unknown> = {}, maxAgeMs = 3_600_000): StoredSession => ({
  cookie: { originalMaxAge: maxAgeMs, expires: new Date(Date.now() + maxAgeMs).toISOString(), httpOnly: true, path: '/' },
  ...extra,
});

describe('NemesisStore', () => {
  it('sets, gets and destroys, with promises and with callbacks', async () => {
    const store = newStore();
    await store.set('a', web({ user: 'ada' }));
    expect(await store.get('a')).toMatchObject({ user: 'ada', cookie: { originalMaxAge: 3_600_000 } });
    const viaCallback = await new Promise<unknown>((resolve, reject) => {
      void store.get('a', (error, session) => (error ? reject(error as Error) : resolve(session)));
    });
    expect(viaCallback).toMatchObject({ user: 'ada' });
    await new Promise<void>((resolve, reject) => void store.destroy('a', (error) => (error ? reject(error as Error) : resolve())));
    expect(await store.get('a')).toBeNull();
    expect(await store.get('never')).toBeNull();
  });

  it('keeps the web session as the shared session prefix + sid, with its TTL, deleted on expiry', async () => {
    const store = newStore();
    await store.set('sid1', web({ user: 'ada' }, 120_000));
    const shared = await db.sessions.openShared(`${store.prefix}sid1`);
    expect(await shared!.info()).toMatchObject({
      shared: true,
      expires: true,
      expiry: { durationSeconds: 120, deleteSessionOnExpire: true, extendOnSetAdd: true, extendOnGet: true },
    });
    expect(await shared!.get(['sess'])).toMatchObject({ sess: { user: 'ada' } });
  });

  it('keeps integers beyond 2^53 and nested values exactly, written by the store or by another service', async () => {
    const store = newStore();
    await store.set('big', web({ n: 18446744073709551615n, list: [1, { deep: -9223372036854775808n }], when: new Date(0) }));
    expect(await store.get('big')).toMatchObject({
      n: 18446744073709551615n,
      list: [1, { deep: -9223372036854775808n }],
      when: '1970-01-01T00:00:00.000Z',
    });
    const shared = await db.sessions.openShared(`${store.prefix}big`);
    const { sess } = (await shared!.get(['sess'])) as { sess: Record<string, unknown> };
    await shared!.set({ sess: { ...sess, n: 12345678901234567890n } });
    expect((await store.get('big'))!.n).toBe(12345678901234567890n);
  });

  it('writes a session as JSON.stringify would, on the first write and on later ones alike', async () => {
    const store = newStore();
    class Cookie {
      constructor(readonly maxAge: number) {}
      toJSON() {
        return { originalMaxAge: this.maxAge, expires: new Date(Date.now() + this.maxAge), path: '/' };
      }
    }
    const session = (visits: number) =>
      ({
        cookie: new Cookie(3_600_000),
        visits,
        at: new Date(0),
        gone: undefined,
        fn: () => 1,
        list: [undefined, NaN],
      }) as unknown as StoredSession;
    const expected = (visits: number) => ({
      cookie: { originalMaxAge: 3_600_000, path: '/' },
      visits,
      at: '1970-01-01T00:00:00.000Z',
      list: [null, null],
    });
    // The first write creates the NemesisDB session (a copy is sent); the second is the steady
    // state (the object itself is sent).
    for (const visits of [1, 2]) {
      await store.set('j', session(visits));
      const read = await store.get('j');
      expect(read).toMatchObject(expected(visits));
      expect(Object.keys(read!).sort()).toEqual(['at', 'cookie', 'list', 'visits']);
      expect(typeof (read!.cookie as { expires: unknown }).expires).toBe('string');
    }
  });

  it('takes the TTL from the ttl option (a number or a function), else the cookie, else one day; ≤ 0 destroys', async () => {
    const fixed = newStore({ ttl: 30 });
    await fixed.set('s', web({}, 3_600_000));
    expect((await (await db.sessions.openShared(`${fixed.prefix}s`))!.info()).expires && true).toBe(true);
    expect(await (await db.sessions.openShared(`${fixed.prefix}s`))!.info()).toMatchObject({ expiry: { durationSeconds: 30 } });

    const computed = newStore({ ttl: (session) => (session.admin === true ? 10 : 20) });
    await computed.set('admin', { admin: true });
    expect(await (await db.sessions.openShared(`${computed.prefix}admin`))!.info()).toMatchObject({ expiry: { durationSeconds: 10 } });

    const plain = newStore();
    await plain.set('nocookie', { user: 'x' });
    expect(await (await db.sessions.openShared(`${plain.prefix}nocookie`))!.info()).toMatchObject({ expiry: { durationSeconds: 86_400 } });

    await plain.set('nocookie', web({}, -1000)); // expired cookie: destroys
    expect(await db.sessions.openShared(`${plain.prefix}nocookie`)).toBeNull();
    expect(await plain.get('nocookie')).toBeNull();

    // A ttl function that throws fails that call (callback and promise), never the caller's stack.
    const failing = newStore({
      ttl: () => {
        throw new Error('no ttl');
      },
    });
    await expect(failing.set('f', web())).rejects.toThrow('no ttl');
    const viaCallback = await new Promise<unknown>((resolve) => void failing.set('f', web(), resolve));
    expect(viaCallback).toBeInstanceOf(Error);
  });

  it('a ttl function giving undefined leaves the TTL to the cookie (else one day); one giving no number fails that call', async () => {
    const some = newStore({ ttl: (session) => (session.admin === true ? 10 : undefined) });
    await some.set('admin', { admin: true });
    await some.set('user', web({}, 120_000));
    await some.set('nocookie', { user: 'x' });
    const info = async (sid: string) => (await db.sessions.openShared(`${some.prefix}${sid}`))!.info();
    expect(await info('admin')).toMatchObject({ expiry: { durationSeconds: 10 } });
    expect(await info('user')).toMatchObject({ expiry: { durationSeconds: 120 } });
    expect(await info('nocookie')).toMatchObject({ expiry: { durationSeconds: 86_400 } });

    const wrong = newStore({ ttl: (() => 'soon') as never });
    await expect(wrong.set('w', web())).rejects.toThrow(/ttl function must give seconds or undefined, not "soon"/);
    await expect(wrong.touch('w', web())).rejects.toThrow(/ttl function must give seconds/);
    expect(await db.sessions.openShared(`${wrong.prefix}w`)).toBeNull();
    const endless = newStore({ ttl: () => Infinity });
    await expect(endless.set('e', web())).rejects.toThrow(/not Infinity/);
    const later = newStore({ ttl: (async () => 60) as never });
    await expect(later.set('l', web())).rejects.toThrow(/must not be async/);
    expect(() => newStore({ ttl: Number.NaN })).toThrow(/ttl must be seconds/);
    expect(() => newStore({ ttl: Infinity })).toThrow(/not Infinity/);
    expect(() => newStore({ ttl: 2 ** 53 })).toThrow(TypeError);
    expect(() => newStore({ ttl: '60' as never })).toThrow(/not "60"/);
    expect(() => newStore({ ttl: 60n as never })).toThrow(/not 60n/);
  });

  it('touch extends the session; without touches it expires ttl after the last set', async () => {
    const store = newStore({ ttl: 2 });
    await store.set('t', { user: 'ada' });
    await sleep(1_200);
    await store.touch('t', { user: 'ada' });
    await sleep(1_200); // 2.4 s after the set, 1.2 s after the touch
    expect(await store.get('t')).toMatchObject({ user: 'ada' });

    const untouched = newStore({ ttl: 2, disableTouch: true });
    await untouched.set('t', { user: 'ada' });
    await sleep(1_200);
    await untouched.touch('t', { user: 'ada' }); // does nothing
    await sleep(1_200);
    expect(await untouched.get('t')).toBeNull();
    expect(await db.sessions.openShared(`${untouched.prefix}t`)).toBeNull();
  });

  it('disableTTL keeps sessions until destroyed: no expiry in NemesisDB, touch does nothing, a TTL ≤ 0 still destroys', async () => {
    const store = newStore({ ttl: (session) => session.ttl as number, disableTTL: true });
    const info = async (sid: string) => (await db.sessions.openShared(`${store.prefix}${sid}`))?.info();
    await store.set('k', { ttl: 1, v: 1 });
    expect(await info('k')).toMatchObject({ expires: false, keyCount: 1 });
    await store.set('k', { ttl: 5, v: 2 }); // another TTL: still no expiry, no SH_SET_EXPIRY needed
    await store.touch('k', { ttl: 9, v: 2 });
    await sleep(1_200);
    expect(await store.get('k')).toMatchObject({ v: 2 });
    expect(await info('k')).toMatchObject({ expires: false });
    await store.set('k', { ttl: 0, v: 3 });
    expect(await store.get('k')).toBeNull();
    // A session another instance made with a TTL loses it at this store's first write.
    const timed = new NemesisStore({ url: server.url, prefix: store.prefix, ttl: 60 });
    stores.push(timed);
    await timed.set('m', { v: 1 });
    expect(await info('m')).toMatchObject({ expires: true });
    expect(await store.get('m')).toMatchObject({ v: 1 });
    await store.set('m', { ttl: 60, v: 2 });
    expect(await info('m')).toMatchObject({ expires: false, keyCount: 1 });
  });

  it('changes the lifetime in place when the TTL changes (a new cookie maxAge): the same token, the same session', async () => {
    const store = newStore();
    await store.set('r', web({ user: 'ada' }, 60_000));
    const before = await db.sessions.openShared(`${store.prefix}r`);
    await store.set('r', web({ user: 'ada', remember: true }, 30 * 86_400_000));
    const after = await db.sessions.openShared(`${store.prefix}r`);
    expect(after!.token).toBe(before!.token);
    expect(await after!.info()).toMatchObject({
      expiry: { durationSeconds: 30 * 86_400, deleteSessionOnExpire: true, extendOnSetAdd: true, extendOnGet: true },
    });
    expect(await store.get('r')).toMatchObject({ remember: true });
  });

  it('keeps the lifetime for a TTL one second shorter (the cookie rounded up), sets it for a shorter or a longer one', async () => {
    const store = newStore({ ttl: (session) => session.ttl as number });
    const name = `${store.prefix}l`;
    const current = async () => {
      const shared = await db.sessions.openShared(name);
      const info = await shared!.info();
      return { token: shared!.token, duration: info.expires ? info.expiry.durationSeconds : null };
    };
    await store.set('l', { ttl: 100, v: 1 });
    const first = await current();
    expect(first.duration).toBe(100);
    await store.set('l', { ttl: 99, v: 2 });
    await store.touch('l', { ttl: 99, v: 2 });
    expect(await current()).toEqual(first);
    await store.set('l', { ttl: 98, v: 3 }); // two seconds short: it would outlive its cookie by two
    expect(await current()).toEqual({ token: first.token, duration: 98 });
    await store.set('l', { ttl: 99, v: 4 }); // longer: it must not expire before its cookie
    expect(await current()).toEqual({ token: first.token, duration: 99 });
    await store.touch('l', { ttl: 500, v: 4 }); // a touch with another TTL sets it too
    expect(await current()).toEqual({ token: first.token, duration: 500 });
    expect(await store.get('l')).toMatchObject({ v: 4 });
  });

  it('a session opened by name (a restart, another instance) gets the TTL of its first write or touch', async () => {
    const a = newStore({ ttl: (session) => session.ttl as number });
    await a.set('o', { ttl: 100, v: 1 });
    const b = new NemesisStore({ url: server.url, prefix: a.prefix, ttl: (session) => session.ttl as number });
    stores.push(b);
    expect(await b.get('o')).toMatchObject({ v: 1 });
    await b.touch('o', { ttl: 300, v: 1 });
    const shared = await db.sessions.openShared(`${a.prefix}o`);
    expect(await shared!.info()).toMatchObject({ expiry: { durationSeconds: 300 } });
    const c = new NemesisStore({ url: server.url, prefix: a.prefix, ttl: (session) => session.ttl as number });
    stores.push(c);
    await c.set('o', { ttl: 40, v: 2 });
    expect(await shared!.info()).toMatchObject({ expiry: { durationSeconds: 40 }, keyCount: 1 });
    expect(await a.get('o')).toMatchObject({ v: 2 });
  });

  it('while a TTL changes on every write, no read of this or another instance misses the session; writes and destroys keep their order', async () => {
    // A TTL that changes on every write, as an absolute cookie expiry drawing near does.
    const store = newStore({ ttl: (session) => session.ttl as number });
    const other = new NemesisStore({ url: server.url, prefix: store.prefix });
    stores.push(other);
    await store.set('m', { ttl: 100, v: 0 });
    const token = (await db.sessions.openShared(`${store.prefix}m`))!.token;
    for (let round = 1; round <= 3; round++) {
      const reads: Promise<StoredSession | null>[] = [];
      const write = store.set('m', { ttl: 100 - 10 * round, v: round });
      for (let i = 0; i < 20; i++) {
        await new Promise((resolve) => setImmediate(resolve)); // reads spread over the write
        reads.push(store.get('m'), other.get('m'));
      }
      await write;
      for (const read of await Promise.all(reads)) expect(read).toMatchObject({ ttl: expect.any(Number) });
      expect(await store.get('m')).toMatchObject({ v: round });
      expect((await db.sessions.openShared(`${store.prefix}m`))!.token).toBe(token);
    }
    // Two writes back to back with different TTLs: the last one stays, with its lifetime.
    await Promise.all([store.set('m', { ttl: 50, v: 'first' }), store.set('m', { ttl: 70, v: 'last' })]);
    expect(await store.get('m')).toMatchObject({ v: 'last' });
    expect(await (await db.sessions.openShared(`${store.prefix}m`))!.info()).toMatchObject({ expiry: { durationSeconds: 70 } });
    // A logout right after a write with another TTL: it stays logged out.
    await Promise.all([store.set('m', { ttl: 30, v: 'late' }), store.destroy('m')]);
    expect(await store.get('m')).toBeNull();
    expect(await db.sessions.openShared(`${store.prefix}m`)).toBeNull();
  });

  it('calls on a sid wait while its first write creates the session: no write or destroy is undone', async () => {
    const store = newStore();
    await Promise.all([store.set('n', web({ v: 'first' })), store.set('n', web({ v: 'second' }))]);
    expect(await store.get('n')).toMatchObject({ v: 'second' });
    await Promise.all([store.set('p', web({ v: 'created' })), store.destroy('p')]);
    expect(await store.get('p')).toBeNull();
    expect(await db.sessions.openShared(`${store.prefix}p`)).toBeNull();
  });

  it('a touch never brings back a destroyed or unknown session (a logout while a read-only request was in flight)', async () => {
    const store = newStore();
    const other = new NemesisStore({ url: server.url, prefix: store.prefix });
    stores.push(other);
    await store.touch('never', web({ user: 'ada' }));
    expect(await store.get('never')).toBeNull();
    expect(await db.sessions.openShared(`${store.prefix}never`)).toBeNull();
    // Read, logged out (by this instance, then by another), then the read's touch arrives.
    for (const destroyer of [store, other]) {
      await store.set('u', web({ user: 'ada' }));
      expect(await store.get('u')).toMatchObject({ user: 'ada' });
      await destroyer.destroy('u');
      await store.touch('u', web({ user: 'ada' }));
      expect(await store.get('u')).toBeNull();
      expect(await db.sessions.openShared(`${store.prefix}u`)).toBeNull();
      expect(await store.ids()).not.toContain('u');
    }
  });

  it('a set right after a destroy, not awaited in between, is the one that stays', async () => {
    const store = newStore();
    for (let i = 0; i < 5; i++) {
      await store.set('d', web({ v: `before ${i}` }));
      const settled: string[] = [];
      const destroyed = store.destroy('d').then(() => settled.push('destroy'));
      const written = store.set('d', web({ v: `after ${i}` })).then(() => settled.push('set'));
      const read = store.get('d');
      await Promise.all([destroyed, written]);
      expect(settled).toEqual(['destroy', 'set']);
      expect(await read).toMatchObject({ v: `after ${i}` });
      expect(await (await db.sessions.openShared(`${store.prefix}d`))!.get(['sess'])).toMatchObject({ sess: { v: `after ${i}` } });
    }
  });

  it('finds sessions by name when its cache is stale: ended behind its back, or written by another instance', async () => {
    const a = newStore();
    const b = new NemesisStore({ url: server.url, prefix: a.prefix });
    stores.push(b);
    await a.set('x', web({ v: 1 }));
    expect(await b.get('x')).toMatchObject({ v: 1 });
    // Another instance destroys it and writes a new one of the same sid: a's cached token is stale.
    await b.destroy('x');
    await b.set('x', web({ v: 2 }));
    expect(await a.get('x')).toMatchObject({ v: 2 });
    await a.set('x', web({ v: 3 }));
    expect(await b.get('x')).toMatchObject({ v: 3 });
    // Ended by a third party: a set makes it again.
    await (await db.sessions.openShared(`${a.prefix}x`))!.end();
    await a.set('x', web({ v: 4 }));
    expect(await b.get('x')).toMatchObject({ v: 4 });
  });

  it('all, ids, length and clear cover the live sessions of its prefix only', async () => {
    const store = newStore();
    const other = newStore();
    await Promise.all([
      store.set('s1', web({ n: 1 })),
      store.set('s2', web({ n: 2 })),
      store.set('s3', web({ n: 3 }, 1_000)),
      other.set('o', web()),
    ]);
    expect((await store.ids()).sort()).toEqual(['s1', 's2', 's3']);
    await sleep(1_300); // s3 expires
    expect(await store.length()).toBe(2);
    const all = await store.all();
    expect(Object.keys(all).sort()).toEqual(['s1', 's2']);
    expect(all.s2).toMatchObject({ n: 2 });
    await new Promise<void>((resolve, reject) => void store.clear((error) => (error ? reject(error as Error) : resolve())));
    expect(await store.length()).toBe(0);
    expect(await store.get('s1')).toBeNull();
    expect(await other.length()).toBe(1);
  });

  it('a sid made anew after its session expired is listed once, and reading the index drops only the stale entry', async () => {
    const store = newStore();
    await store.set('x', web({ n: 1 }, 1_000));
    await sleep(1_300); // expired
    await store.set('x', web({ n: 2 })); // a new session of that name, a new token
    const indexed = () => indexEntries(store);
    expect(await store.ids()).toEqual(['x']);
    expect(await indexed()).toHaveLength(1);
    expect(await store.length()).toBe(1);
    expect(await store.get('x')).toMatchObject({ n: 2 });
    await store.destroy('x');
    expect(await indexed()).toHaveLength(0);
  });

  it('drops the index entries of expired sessions in the background, though nothing reads the index', async () => {
    const store = newStore();
    const indexed = async () => (await indexEntries(store)).length;
    await eachOf(300, (i) => store.set(`short${i}`, web({ i }, 1_000)));
    await sleep(1_300); // all 300 expired; their entries stay until a sweep
    expect(await indexed()).toBe(300);
    // The sweep starts once as many entries were added as the index held live (at least SWEEP_AFTER).
    await eachOf(SWEEP_AFTER - 300, (i) => store.set(`long${i}`, web({ i })));
    const deadline = Date.now() + 15_000;
    while ((await indexed()) !== SWEEP_AFTER - 300) {
      if (Date.now() > deadline) throw new Error(`the stale entries were not swept: ${await indexed()} entries`);
      await sleep(20);
    }
    expect(await store.length()).toBe(SWEEP_AFTER - 300);
  });

  it('drops stale index entries in messages the server takes, however many there are', async () => {
    const small = await startNemesis(['--max-payload', '32768']);
    const store = new NemesisStore({ url: small.url, prefix: 'many:' });
    stores.push(store);
    try {
      // 35–55 bytes a key: 1,000 of them are more than one 32 KiB message.
      await eachOf(1_000, (i) => store.set(`s${i}`, web({ i }, 1_000)));
      await sleep(1_300);
      expect(await store.length()).toBe(0);
      const seen = await NemesisClient.connect(small.url);
      expect((await seen.kv.keys()).filter((key) => key.includes('many:'))).toEqual([]);
      await seen.close();
    } finally {
      await store.close();
      await small.stop();
    }
  });

  it('a connection lost during first writes fails them, with nothing left unhandled', async () => {
    const lost = await startNemesis();
    const store = new NemesisStore({ url: lost.url, prefix: 'lost:' });
    stores.push(store);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await store.ready();
      // First writes keep starting until the server dies, so some are at every step then (making
      // the session, writing it and its index entry).
      const writes: Promise<void>[] = [];
      let killed = false;
      const starting = (async () => {
        for (let i = 0; !killed; i++) {
          writes.push(store.set(`w${i}`, web({ i })));
          if (i % 20 === 19) await sleep(1);
        }
      })();
      await sleep(100);
      lost.process.kill('SIGKILL');
      killed = true;
      await starting;
      const outcomes = await Promise.allSettled(writes);
      expect(outcomes.some((outcome) => outcome.status === 'rejected')).toBe(true);
      await sleep(100); // an unhandled rejection is reported a turn after it happens
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await store.close();
      await lost.stop();
    }
  });

  it('an older write whose session went away never lands after a newer write or destroy of that sid', async () => {
    const store = newStore();
    // Drops the sid from the store's cache, as a full cache does for its least recently used (internal).
    const evict = (sid: string) => (store as unknown as { cache: { delete(sid: string): void } }).cache.delete(sid);
    const endBehindItsBack = async (sid: string) => (await db.sessions.openShared(`${store.prefix}${sid}`))!.end();

    await store.set('a', web({ v: 0 }));
    await endBehindItsBack('a');
    const older = store.set('a', web({ v: 1 })); // through its cached token, which is gone
    evict('a');
    const newer = store.set('a', web({ v: 2 })); // not cached: by name, the slow way
    await Promise.all([older, newer]);
    expect(await store.get('a')).toMatchObject({ v: 2 });

    // A destroy made right after, not awaited in between: the session stays destroyed.
    await store.set('b', web({ v: 0 }));
    await endBehindItsBack('b');
    await Promise.all([store.set('b', web({ v: 1 })), store.destroy('b')]);
    expect(await store.get('b')).toBeNull();
    expect(await db.sessions.openShared(`${store.prefix}b`)).toBeNull();
  });

  it('keeps a member named __proto__ (as JSON.parse makes it), on the first write and on later ones', async () => {
    const store = newStore();
    const session = JSON.parse('{"cookie":{"originalMaxAge":60000},"__proto__":{"admin":true},"deep":{"__proto__":[1]}}') as StoredSession;
    await store.set('p', session); // the first write copies the session
    await store.set('q', web());
    await store.set('q', session); // a later one writes it as it is
    for (const sid of ['p', 'q']) {
      const read = (await store.get(sid))!;
      expect(Object.getOwnPropertyDescriptor(read, '__proto__')?.value).toEqual({ admin: true });
      expect(Object.getOwnPropertyDescriptor(read.deep, '__proto__')?.value).toEqual([1]);
      expect((read as { admin?: unknown }).admin).toBeUndefined();
    }
  });

  it('all() gives every sid as its own member, __proto__ too', async () => {
    const store = newStore();
    await store.set('__proto__', web({ user: 'mallory' }));
    await store.set('plain', web({ user: 'ada' }));
    const all = await store.all();
    expect(Object.keys(all).sort()).toEqual(['__proto__', 'plain']);
    expect(Object.getPrototypeOf(all)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(all, '__proto__')?.value).toMatchObject({ user: 'mallory' });
    expect((all as Record<string, unknown>).user).toBeUndefined();
  });

  it('concurrent first writes of one sid, from several instances, make one session', async () => {
    const first = newStore();
    const instances = [first, ...Array.from({ length: 5 }, () => new NemesisStore({ url: server.url, prefix: first.prefix }))];
    stores.push(...instances.slice(1));
    for (let round = 0; round < 5; round++) {
      const sid = `same${round}`;
      await Promise.all(instances.map((s, i) => s.set(sid, web({ writer: i }))));
      const seen = await Promise.all(instances.map((s) => s.get(sid)));
      expect(new Set(seen.map((s) => s?.writer)).size).toBe(1);
      // Still the one session everyone found: nobody replaced it.
      const shared = await db.sessions.openShared(`${first.prefix}${sid}`);
      expect(await shared!.get(['sess'])).toMatchObject({ sess: { writer: seen[0]!.writer } });
    }
    expect(await first.length()).toBe(5);
  });

  it('fails clearly at start on a server without shared sessions, and every call reports it', async () => {
    const strict = await startNemesis(['--no-extensions']);
    const store = new NemesisStore({ url: strict.url });
    await expect(store.ready()).rejects.toThrow(/needs a NemesisDB server with shared sessions/);
    await expect(store.get('x')).rejects.toThrow(/shared sessions/);
    const viaCallback = await new Promise<unknown>((resolve) => void store.set('x', {}, (error) => resolve(error)));
    expect(String(viaCallback)).toMatch(/shared sessions/);
    await strict.stop();
  });

  it('made while its server is down, it fails calls at once and works once the server is up', async () => {
    const port = await freePort();
    const store = new NemesisStore({ url: `ws://127.0.0.1:${port}`, prefix: 'late:' });
    stores.push(store);
    await expect(store.ready()).rejects.toBeInstanceOf(ConnectionError);
    // Within a second of that failure, calls fail with it without trying again.
    await expect(store.set('s', web({ n: 1 }))).rejects.toBeInstanceOf(ConnectionError);
    const viaCallback = await new Promise<unknown>((resolve) => void store.get('s', (error) => resolve(error)));
    expect(viaCallback).toBeInstanceOf(ConnectionError);

    const late = await startApp({ console: false, port });
    try {
      // The first call a second after the failure starts the store again, and it stays started.
      await sleep(1_000);
      await store.set('s', web({ n: 2 }));
      expect(await store.get('s')).toMatchObject({ n: 2 });
      const seen = await NemesisClient.connect(late.url);
      expect(await (await seen.sessions.openShared('late:s'))!.get(['sess'])).toMatchObject({ sess: { n: 2 } });
      await seen.close();
    } finally {
      await store.close();
      await late.stop();
    }
  });

  it('a session larger than the server reads fails its own write, not the calls of other sessions', async () => {
    const small = await startNemesis(['--max-payload', '4096']);
    const store = new NemesisStore({ url: small.url });
    stores.push(store);
    await store.set('other', web({ n: 1 }));
    const [big, other] = await Promise.allSettled([store.set('big', web({ blob: 'x'.repeat(8192) })), store.get('other')]);
    expect(big).toMatchObject({ status: 'rejected', reason: { name: 'RangeError' } });
    expect(other).toMatchObject({ status: 'fulfilled', value: { n: 1 } });
    expect(store.client?.status).toBe('open');
    // Its first write: nothing of it is left behind, neither the session made for it nor its index entry.
    expect(await store.ids()).toEqual(['other']);
    const seen = await NemesisClient.connect(small.url);
    expect(await seen.sessions.openShared('sess:big')).toBeNull();
    await seen.close();
    // A later write too large fails alone and leaves the session as it was.
    await expect(store.set('other', web({ blob: 'x'.repeat(8192) }))).rejects.toBeInstanceOf(RangeError);
    expect(await store.get('other')).toMatchObject({ n: 1 });
    await store.close();
    await small.stop();
  });

  it('close() does not wait for a start stuck on a server that never answers the handshake', async () => {
    const silent = createServer(() => {}); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const store = new NemesisStore({ url: `ws://127.0.0.1:${port}`, clientOptions: { connectTimeoutMs: 120_000 } });
      const ready = store.ready().catch((error: unknown) => error);
      await sleep(100);
      // Generous against the 120 s the attempt would otherwise hold it for.
      await expect(Promise.race([store.close().then(() => 'closed'), sleep(20_000).then(() => 'still waiting')])).resolves.toBe('closed');
      expect(await ready).toBeInstanceOf(ConnectionError);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('opens a new client once the one it opened gave up reconnecting (reconnect off), and keeps working', async () => {
    const port = await freePort();
    let app = await startApp({ console: false, port });
    const store = new NemesisStore({ url: app.url, prefix: 'gave-up:', clientOptions: { reconnect: false } });
    stores.push(store);
    try {
      await store.set('s', web({ n: 1 }));
      const first = store.client!;
      await app.stop();
      await until(() => first.status === 'closed', { what: 'the client to give up' });
      await expect(store.get('s')).rejects.toThrow(/gave up reconnecting/);
      app = await startApp({ console: false, port }); // a fresh in-memory server: the old session is gone
      await sleep(1_000);
      await store.set('s', web({ n: 2 }));
      expect(await store.get('s')).toMatchObject({ n: 2 });
      expect(store.client).not.toBe(first);
    } finally {
      await store.close();
      await app.stop();
    }
  });

  it('keeps the tokens of at most cacheSize sessions; the others are found again by name', async () => {
    const store = newStore({ cacheSize: 3 });
    const sids = Array.from({ length: 10 }, (_, i) => `c${i}`);
    for (const sid of sids) await store.set(sid, web({ sid }));
    // Every session still reads and writes, the ones dropped from the cache too.
    for (const sid of sids) expect(await store.get(sid)).toMatchObject({ sid });
    for (const sid of sids) await store.set(sid, web({ sid, again: true }));
    for (const sid of sids) expect(await store.get(sid)).toMatchObject({ sid, again: true });
    // The bound itself (internal: what keeps a long-running web app's memory flat).
    expect((store as unknown as { cache: { size: number } }).cache.size).toBeLessThanOrEqual(3);
    // all() reads every session without pushing the active ones out of the cache.
    const cache = (store as unknown as { cache: { has(sid: string): boolean } }).cache;
    await store.get('c8');
    await store.get('c9');
    expect(Object.keys(await store.all()).sort()).toEqual([...sids].sort());
    expect(cache.has('c8') && cache.has('c9')).toBe(true);
    expect(() => newStore({ cacheSize: 0 })).toThrow(RangeError);
    expect(() => newStore({ cacheSize: 1.5 })).toThrow(RangeError);
    expect(() => newStore({ cacheSize: 1e9 })).toThrow(RangeError); // lru-cache would reserve its slots up front
  });

  it('refuses options with neither or both of url and client', () => {
    expect(() => new NemesisStore({})).toThrow(TypeError);
    expect(() => new NemesisStore({ url: 'ws://x', client: db })).toThrow(TypeError);
  });
});
