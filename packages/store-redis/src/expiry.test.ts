import { ManualClock } from '@nemesisdb/engine';
import { describe, expect, it } from 'vitest';
import type { RedisStore } from './store.js';
import { describeWithRedis, harness, newStore, closeAfterTest, until, type Harness } from './testing/harness.test-util.js';

// Exact expiry (PROTOCOL.md §7 and its improvement rules) on a Redis Cluster.
//
// First on a manual clock handed to the store: the scripts then judge expiry by that clock, which
// starts a year ahead of real time so Redis' own PEXPIREAT never fires during the test — what is
// tested is the scripts' lazy rules, to the millisecond, with the expectations of the engine's own
// expiry tests (packages/engine/src/store/memory/expiry.test.ts). Then in real time on the
// masters' clocks (the default), with 1–2 s durations: PEXPIREAT, re-arming and extends as they
// happen in production.

const SECOND = 1000;
const YEAR = 365 * 24 * 3600 * SECOND;

async function visible(h: Harness, tkn: string): Promise<boolean> {
  const reply = await h.body('SH_EXISTS', `{"SH_EXISTS":{"tkns":[${tkn}]}}`);
  return (reply.exist as unknown[]).length === 1;
}

async function keyCount(h: Harness, tkn: string): Promise<number | null> {
  const reply = await h.body('SH_COUNT', `{"SH_COUNT":{"tkn":${tkn}}}`);
  return reply.st === 1 ? (reply.cnt as number) : null;
}

/** The deadline the cluster holds for a session (absolute ms), read directly. */
async function deadline(store: RedisStore, tkn: string): Promise<number> {
  return Number(await store.cluster.hget(store.layout.sessionMeta(BigInt(tkn)), 'dl'));
}

/** Whether the session's keys exist in Redis at all (without running any NemesisDB script). */
async function rawExists(store: RedisStore, tkn: string): Promise<{ meta: boolean; data: boolean }> {
  const { cluster, layout } = store;
  const [meta, data] = await Promise.all([cluster.exists(layout.sessionMeta(BigInt(tkn))), cluster.exists(layout.sessionData(BigInt(tkn)))]);
  return { meta: meta === 1, data: data === 1 };
}

describeWithRedis('exact expiry', (seeds) => {

  describe('on a manual clock (the scripts’ rules, to the millisecond)', () => {
    const open = () => {
      const clock = new ManualClock(Date.now() + YEAR);
      const expired: bigint[] = [];
      const store = closeAfterTest(newStore(seeds(), { clock }));
      store.sessions.onExpired = (token) => expired.push(token);
      return { ...harness(store), clock, expired };
    };

    it('deleteSession:true is visible at its deadline and gone 1 ms after it, for every command', async () => {
      const h = open();
      const tkn = await h.session({ duration: 60, deleteSession: true });
      h.clock.advance(60 * SECOND);
      expect(await visible(h, tkn)).toBe(true);
      expect(await keyCount(h, tkn)).toBe(0);
      h.clock.advance(1);
      expect(await visible(h, tkn)).toBe(false);
      expect(await h.body('SH_INFO', `{"SH_INFO":{"tkn":${tkn}}}`)).toMatchObject({ st: 100 });
      expect(await h.body('SH_GET', `{"SH_GET":{"tkn":${tkn},"keys":[]}}`)).toMatchObject({ st: 100 });
      expect(await h.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toEqual({ st: 1, totalKeys: 0, totalSessions: 0 });
      expect(await rawExists(h.store, tkn)).toEqual({ meta: false, data: false }); // deleted by the script
      expect(h.expired).toEqual([BigInt(tkn)]);
      expect(h.store.sessions.expiredCount).toBe(1);
    });

    it('is not counted by SH_INFO_ALL nor ended by SH_END_ALL after its deadline, even unreclaimed', async () => {
      const h = open();
      const tkn = await h.session({ duration: 1, deleteSession: true });
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1,"b":2}}}`);
      await h.session();
      h.clock.advance(SECOND + 1);
      expect(await h.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toEqual({ st: 1, totalKeys: 0, totalSessions: 1 });
      expect(await h.body('SH_END_ALL', '{"SH_END_ALL":{}}')).toEqual({ cnt: 1, st: 1 });
    });

    it('cannot be rescued by an extend once its deadline passed', async () => {
      const h = open();
      const tkn = await h.session({ duration: 5, deleteSession: true, extendOnGet: true, extendOnSetAdd: true });
      h.clock.advance(5 * SECOND + 1);
      expect(await h.body('SH_SET', `{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`)).toMatchObject({ st: 100 });
      expect(await h.body('SH_GET', `{"SH_GET":{"tkn":${tkn},"keys":["a"]}}`)).toMatchObject({ st: 100 });
    });

    it('deleteSession:false clears the keys at the deadline and re-arms from the deadline, without drift', async () => {
      const h = open();
      const tkn = await h.session({ duration: 10 });
      const start = h.clock.now();
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`);
      h.clock.set(start + 10 * SECOND);
      expect(await keyCount(h, tkn)).toBe(1);
      h.clock.set(start + 10 * SECOND + 1);
      expect(await keyCount(h, tkn)).toBe(0); // cleared, still there
      expect(await visible(h, tkn)).toBe(true);
      expect(await deadline(h.store, tkn)).toBe(start + 20 * SECOND);
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"b":2}}}`);
      h.clock.set(start + 20 * SECOND);
      expect(await keyCount(h, tkn)).toBe(1);
      h.clock.set(start + 20 * SECOND + 1);
      expect(await keyCount(h, tkn)).toBe(0);
      expect(h.expired).toEqual([BigInt(tkn), BigInt(tkn)]);
    });

    it('skips whole periods when untouched, staying on the original grid', async () => {
      const h = open();
      const tkn = await h.session({ duration: 3 });
      const start = h.clock.now();
      h.clock.set(start + 3 * 3 * SECOND + 500);
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`);
      const info = await h.body('SH_INFO', `{"SH_INFO":{"tkn":${tkn}}}`);
      expect((info.expiry as { remaining: number }).remaining).toBe(2); // ends at start + 12 s
      h.clock.set(start + 12 * SECOND);
      expect(await keyCount(h, tkn)).toBe(1);
      h.clock.set(start + 12 * SECOND + 1);
      expect(await keyCount(h, tkn)).toBe(0);
    });

    it('SH_INFO_ALL does not count keys of an untouched deleteSession:false session past its deadline', async () => {
      const h = open();
      const tkn = await h.session({ duration: 1 });
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1,"b":2}}}`);
      expect(await h.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toEqual({ st: 1, totalKeys: 2, totalSessions: 1 });
      h.clock.advance(SECOND + 1);
      expect(await h.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toEqual({ st: 1, totalKeys: 0, totalSessions: 1 });
    });

    it('extendOnGet resets the deadline to now + duration on SH_GET only', async () => {
      const h = open();
      const tkn = await h.session({ duration: 10, deleteSession: true, extendOnGet: true });
      h.clock.advance(8 * SECOND);
      await h.send(`{"SH_CONTAINS":{"tkn":${tkn},"keys":[]}}`); // does not extend
      await h.send(`{"SH_KEYS":{"tkn":${tkn}}}`);
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`);
      await h.send(`{"SH_INFO":{"tkn":${tkn}}}`);
      await h.send(`{"SH_GET":{"tkn":${tkn},"keys":[]}}`); // extends: deadline = t + 18 s
      h.clock.advance(10 * SECOND);
      expect(await visible(h, tkn)).toBe(true);
      h.clock.advance(1);
      expect(await visible(h, tkn)).toBe(false);
    });

    it('extendOnSetAdd resets on SH_SET and SH_ADD (even with no keys), not on RMV/CLEAR/CLEAR_SET', async () => {
      const h = open();
      const tkn = await h.session({ duration: 10, deleteSession: true, extendOnSetAdd: true });
      h.clock.advance(9 * SECOND);
      await h.send(`{"SH_RMV":{"tkn":${tkn},"keys":["x"]}}`);
      await h.send(`{"SH_CLEAR":{"tkn":${tkn}}}`);
      await h.send(`{"SH_CLEAR_SET":{"tkn":${tkn},"keys":{}}}`);
      await h.send(`{"SH_GET":{"tkn":${tkn},"keys":[]}}`);
      await h.send(`{"SH_ADD":{"tkn":${tkn},"keys":{}}}`); // extends: deadline = t + 19 s
      h.clock.advance(10 * SECOND);
      expect(await visible(h, tkn)).toBe(true);
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`); // extends: deadline = t + 29 s
      h.clock.advance(10 * SECOND);
      expect(await visible(h, tkn)).toBe(true);
      h.clock.advance(1);
      expect(await visible(h, tkn)).toBe(false);
    });

    it('an invalid request does not extend', async () => {
      const h = open();
      const tkn = await h.session({ duration: 10, deleteSession: true, extendOnGet: true });
      h.clock.advance(9 * SECOND);
      await h.send(`{"SH_GET":{"tkn":${tkn},"keys":"a"}}`);
      h.clock.advance(SECOND + 1);
      expect(await visible(h, tkn)).toBe(false);
    });

    it('flags without expiry do nothing; duration 0 never expires', async () => {
      const h = open();
      const tkn = await h.session({ duration: 0, deleteSession: true, extendOnGet: true });
      await h.send(`{"SH_GET":{"tkn":${tkn},"keys":[]}}`);
      h.clock.advance(10 ** 12);
      expect(await visible(h, tkn)).toBe(true);
      expect(await h.body('SH_INFO', `{"SH_INFO":{"tkn":${tkn}}}`)).toMatchObject({ expires: false, st: 1 });
    });

    it('counts remaining whole seconds, truncated toward zero, down to 0 at the deadline', async () => {
      const h = open();
      const tkn = await h.session({ duration: 60 });
      const remaining = async () => ((await h.body('SH_INFO', `{"SH_INFO":{"tkn":${tkn}}}`)).expiry as { remaining: number }).remaining;
      expect(await remaining()).toBe(60);
      h.clock.advance(1);
      expect(await remaining()).toBe(59);
      h.clock.advance(59 * SECOND - 1); // exactly 1 s left
      expect(await remaining()).toBe(1);
      h.clock.advance(1); // 0.999 s left
      expect(await remaining()).toBe(0);
      h.clock.advance(999); // at the deadline: still there
      expect(await remaining()).toBe(0);
    });

    it.each([
      ['2^53 + 1', '9007199254740993'],
      ['2^63', '9223372036854775808'],
      ['2^64 − 1', '18446744073709551615'],
      ['about 9.2e9 s (upstream overflows)', '9300000000'],
    ])('accepts %s seconds, reports it exactly and does not expire early', async (_name, duration) => {
      const h = open();
      const tkn = await h.session({ duration: 0 });
      const reply = await h.body('SH_NEW', `{"SH_NEW":{"expiry":{"duration":${duration},"deleteSession":true}}}`);
      h.clock.advance(10 ** 11); // three years
      const info = await h.body('SH_INFO', `{"SH_INFO":{"tkn":${reply.tkn}}}`);
      const expiry = info.expiry as { duration: unknown; remaining: unknown };
      expect(String(expiry.duration)).toBe(duration);
      expect(BigInt(expiry.remaining as bigint)).toBe(BigInt(duration) - 10n ** 8n);
      expect(await visible(h, tkn)).toBe(true);
      expect(await visible(h, String(reply.tkn))).toBe(true);
    });

    it('none of many sessions due in the same millisecond is visible after it', async () => {
      const h = open();
      await Promise.all(Array.from({ length: 2000 }, () => h.text('{"SH_NEW":{"expiry":{"duration":5,"deleteSession":true}}}')));
      const keeper = await h.session();
      h.clock.advance(5 * SECOND + 1);
      expect(await h.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toEqual({ st: 1, totalKeys: 0, totalSessions: 1 });
      expect(await visible(h, keeper)).toBe(true);
    });
  });

  describe.concurrent('in real time, on the masters’ clocks', () => {
    type Finished = (fn: () => Promise<void>) => void;
    const open = (onTestFinished: Finished) => harness(closeAfterTest(newStore(seeds()), onTestFinished));

    it('deleteSession:true: visible just before the deadline, removed by Redis itself just after', async ({ onTestFinished }) => {
      const h = open(onTestFinished);
      const tkn = await h.session({ duration: 1, deleteSession: true });
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`);
      const due = await deadline(h.store, tkn);
      await until(due - 150);
      expect(await visible(h, tkn)).toBe(true);
      expect(await h.body('SH_GET', `{"SH_GET":{"tkn":${tkn},"keys":["a"]}}`)).toEqual({ keys: { a: 1 }, st: 1 });
      await until(due + 30);
      expect(await rawExists(h.store, tkn)).toEqual({ meta: false, data: false }); // PEXPIREAT, no script
      expect(await visible(h, tkn)).toBe(false);
      expect(await h.body('SH_GET', `{"SH_GET":{"tkn":${tkn},"keys":["a"]}}`)).toMatchObject({ st: 100 });
    });

    it('deleteSession:false: keys cleared at each deadline, re-armed from it (deadline + duration)', async ({ onTestFinished }) => {
      const h = open(onTestFinished);
      const tkn = await h.session({ duration: 1 });
      const untouched = await h.session({ duration: 1 });
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`);
      await h.send(`{"SH_SET":{"tkn":${untouched},"keys":{"x":1,"y":2}}}`);
      const first = await deadline(h.store, tkn);
      await until(first - 150);
      expect(await keyCount(h, tkn)).toBe(1);
      await until(first + 30);
      expect((await rawExists(h.store, tkn)).data).toBe(false); // Redis cleared the keys by itself
      expect(await keyCount(h, tkn)).toBe(0);
      expect(await visible(h, tkn)).toBe(true);
      expect(await deadline(h.store, tkn)).toBe(first + 1000); // no drift
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"b":2}}}`);
      expect(await h.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toMatchObject({ totalKeys: 1, totalSessions: 2 });
      await until(first + 1000 - 150);
      expect(await h.body('SH_GET', `{"SH_GET":{"tkn":${tkn},"keys":["a","b"]}}`)).toEqual({ keys: { b: 2 }, st: 1 });
      await until(first + 1000 + 30);
      expect(await keyCount(h, tkn)).toBe(0);
      expect(await deadline(h.store, tkn)).toBe(first + 2000);
    });

    it('extendOnGet moves the deadline (and PEXPIREAT) to now + duration', async ({ onTestFinished }) => {
      const h = open(onTestFinished);
      const tkn = await h.session({ duration: 2, deleteSession: true, extendOnGet: true });
      const first = await deadline(h.store, tkn);
      await until(first - 1000);
      await h.send(`{"SH_CONTAINS":{"tkn":${tkn},"keys":[]}}`);
      expect(await deadline(h.store, tkn)).toBe(first);
      await h.send(`{"SH_GET":{"tkn":${tkn},"keys":[]}}`);
      const extended = await deadline(h.store, tkn);
      expect(extended).toBeGreaterThanOrEqual(first + 1000 - 5);
      await until(first + 100);
      expect(await visible(h, tkn)).toBe(true);
      await until(extended + 30);
      expect(await rawExists(h.store, tkn)).toEqual({ meta: false, data: false });
      expect(await visible(h, tkn)).toBe(false);
    });

    it('extendOnSetAdd moves it on SH_SET / SH_ADD only', async ({ onTestFinished }) => {
      const h = open(onTestFinished);
      const tkn = await h.session({ duration: 2, deleteSession: true, extendOnSetAdd: true });
      const first = await deadline(h.store, tkn);
      await until(first - 1000);
      await h.send(`{"SH_CLEAR_SET":{"tkn":${tkn},"keys":{"a":1}}}`);
      await h.send(`{"SH_RMV":{"tkn":${tkn},"keys":["a"]}}`);
      expect(await deadline(h.store, tkn)).toBe(first);
      await h.send(`{"SH_ADD":{"tkn":${tkn},"keys":{"b":1}}}`);
      const extended = await deadline(h.store, tkn);
      expect(extended).toBeGreaterThanOrEqual(first + 1000 - 5);
      await until(first + 100);
      expect(await h.body('SH_GET', `{"SH_GET":{"tkn":${tkn},"keys":["b"]}}`)).toEqual({ keys: { b: 1 }, st: 1 });
      await until(extended + 30);
      expect(await visible(h, tkn)).toBe(false);
    });
  });
});
