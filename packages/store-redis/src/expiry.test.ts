import { ManualClock } from '@nemesisdb/engine';
import { expiryContract, sessionKeyCount as keyCount, sessionVisible as visible } from '@nemesisdb/engine/testing';
import { describe, expect, it } from 'vitest';
import type { RedisStore } from './store.js';
import { answeredBefore, describeWithRedis, harness, newStore, closeAfterTest, until } from './testing/harness.test-util.js';

// Exact expiry (docs/reference/protocol.md §7 and its improvement rules) on a Redis Cluster.
//
// First on a manual clock handed to the store: the scripts then judge expiry by that clock, which
// starts a year ahead of real time so Redis' own PEXPIREAT never fires during the test — what is
// tested is the scripts' lazy rules, to the millisecond: the engine's expiry contract
// (@nemesisdb/engine/testing), and what is particular to Redis. Then in real time on the
// masters' clocks (the default), with 1–2 s durations: PEXPIREAT, re-arming and extends as they
// happen in production.

const SECOND = 1000;
const YEAR = 365 * 24 * 3600 * SECOND;

/** The deadline the cluster holds for a session (absolute ms), read directly. */
async function deadline(store: RedisStore, tkn: string): Promise<number> {
  return Number(await store.cluster.hget(store.layout.sessionMeta(BigInt(tkn)), 'dl'));
}

/** Each of the session's keys' PEXPIREAT in Redis (absolute ms; -1: none; -2: no such key). */
async function keyExpiries(store: RedisStore, tkn: string): Promise<{ meta: number; data: number }> {
  const { cluster, layout } = store;
  const [meta, data] = await Promise.all([
    cluster.pexpiretime(layout.sessionMeta(BigInt(tkn))),
    cluster.pexpiretime(layout.sessionData(BigInt(tkn))),
  ]);
  return { meta, data };
}

/** Whether the session's keys exist in Redis at all (without running any NemesisDB script). */
async function rawExists(store: RedisStore, tkn: string): Promise<{ meta: boolean; data: boolean }> {
  const { cluster, layout } = store;
  const [meta, data] = await Promise.all([
    cluster.exists(layout.sessionMeta(BigInt(tkn))),
    cluster.exists(layout.sessionData(BigInt(tkn))),
  ]);
  return { meta: meta === 1, data: data === 1 };
}

describeWithRedis('exact expiry', (seeds) => {
  describe('on a manual clock (the scripts’ rules, to the millisecond)', () => {
    const open = () => {
      const clock = new ManualClock(Date.now() + YEAR);
      const expired: bigint[] = [];
      const store = closeAfterTest(newStore(seeds(), { clock }));
      const h = harness(store);
      // Set once the engine exists (an engine may install its own hook when it is built).
      store.sessions.onExpired = (token) => expired.push(token);
      return { ...h, clock, expired };
    };

    expiryContract(() => open());

    it('deleteSession:true: the script that finds it due deletes both keys and reports the expiry', async () => {
      const h = open();
      const tkn = await h.session({ duration: 60, deleteSession: true });
      h.clock.advance(60 * SECOND + 1);
      expect(await visible(h, tkn)).toBe(false);
      expect(await rawExists(h.store, tkn)).toEqual({ meta: false, data: false });
      expect(h.expired).toEqual([BigInt(tkn)]);
      expect(h.store.sessions.expiredCount).toBe(1);
    });

    it('deleteSession:false: the deadline held in Redis moves on by whole periods, each expiry reported', async () => {
      const h = open();
      const tkn = await h.session({ duration: 10 });
      const start = h.clock.now();
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`);
      h.clock.set(start + 10 * SECOND + 1);
      expect(await keyCount(h, tkn)).toBe(0);
      expect(await deadline(h.store, tkn)).toBe(start + 20 * SECOND);
      h.clock.set(start + 40 * SECOND + 1);
      expect(await keyCount(h, tkn)).toBe(0);
      expect(await deadline(h.store, tkn)).toBe(start + 50 * SECOND);
      expect(h.expired).toEqual([BigInt(tkn), BigInt(tkn)]);
    });

    describe('SH_SET_EXPIRY (extension): the keys’ PEXPIREAT follow the new settings', () => {
      const setExpiry = (h: ReturnType<typeof open>, tkn: string, expiry: object | string) =>
        h.body(
          'SH_SET_EXPIRY',
          `{"SH_SET_EXPIRY":{"tkn":${tkn},"expiry":${typeof expiry === 'string' ? expiry : JSON.stringify(expiry)}}}`,
        );

      it('deleteSession:true → false → never → true: both keys, then the data key only, then neither, then both', async () => {
        const h = open();
        const tkn = await h.session({ duration: 10, deleteSession: true });
        await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`);
        h.clock.advance(3 * SECOND);
        expect(await setExpiry(h, tkn, { duration: 20, deleteSession: true })).toMatchObject({ st: 1 });
        let due = h.clock.now() + 20 * SECOND;
        expect(await deadline(h.store, tkn)).toBe(due);
        expect(await keyExpiries(h.store, tkn)).toEqual({ meta: due, data: due });

        h.clock.advance(SECOND);
        await setExpiry(h, tkn, { duration: 30, extendOnGet: true });
        due = h.clock.now() + 30 * SECOND;
        expect(await deadline(h.store, tkn)).toBe(due);
        // The meta key keeps the session: an expiry left on it would end it at the old deadline.
        expect(await keyExpiries(h.store, tkn)).toEqual({ meta: -1, data: due });

        await setExpiry(h, tkn, { duration: 0, deleteSession: true });
        expect(await keyExpiries(h.store, tkn)).toEqual({ meta: -1, data: -1 });
        // No expiry field is left behind for a script to read.
        expect(await h.store.cluster.hgetall(h.store.layout.sessionMeta(BigInt(tkn)))).toEqual({ sh: '0' });

        h.clock.advance(SECOND);
        await setExpiry(h, tkn, { duration: 5, deleteSession: true });
        due = h.clock.now() + 5 * SECOND;
        expect(await keyExpiries(h.store, tkn)).toEqual({ meta: due, data: due });
        expect(await h.body('SH_GET', `{"SH_GET":{"tkn":${tkn},"keys":["a"]}}`)).toEqual({ keys: { a: 1 }, st: 1 });
      });

      it('a duration too long to come due: the keys lose the PEXPIREAT of the old settings', async () => {
        const h = open();
        const tkn = await h.session({ duration: 10, deleteSession: true });
        await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`);
        await setExpiry(h, tkn, '{"duration":18446744073709551615,"deleteSession":true}');
        expect(await keyExpiries(h.store, tkn)).toEqual({ meta: -1, data: -1 });
        h.clock.advance(YEAR);
        expect(await h.body('SH_INFO', `{"SH_INFO":{"tkn":${tkn}}}`)).toMatchObject({
          expiry: { deleteSession: true, duration: 18446744073709551615n },
          keyCnt: 1,
        });
      });

      it('a deleteSession:false session past its deadline: cleared and reported first, then the new settings', async () => {
        const h = open();
        const tkn = await h.session({ duration: 5 });
        await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`);
        h.clock.advance(5 * SECOND + 1);
        expect(await setExpiry(h, tkn, { duration: 8, deleteSession: true })).toMatchObject({ st: 1 });
        expect(h.expired).toEqual([BigInt(tkn)]);
        const due = h.clock.now() + 8 * SECOND;
        expect(await keyExpiries(h.store, tkn)).toEqual({ meta: due, data: -2 }); // no keys: no data key
        await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"b":2}}}`);
        expect(await keyExpiries(h.store, tkn)).toEqual({ meta: due, data: due });
      });
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
      const before = await answeredBefore(due, async () => [
        await visible(h, tkn),
        await h.body('SH_GET', `{"SH_GET":{"tkn":${tkn},"keys":["a"]}}`),
      ]);
      if (before !== undefined) expect(before).toEqual([true, { keys: { a: 1 }, st: 1 }]);
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
      // The second session was created after the first, so on a loaded machine its deadline can be
      // tens of milliseconds later: the key count below waits for both.
      const untouchedDue = await deadline(h.store, untouched);
      expect(untouchedDue - first).toBeLessThan(500);
      await until(first - 150);
      const countBefore = await answeredBefore(first, () => keyCount(h, tkn));
      if (countBefore !== undefined) expect(countBefore).toBe(1);
      await until(first + 30);
      expect((await rawExists(h.store, tkn)).data).toBe(false); // Redis cleared the keys by itself
      expect(await keyCount(h, tkn)).toBe(0);
      expect(await visible(h, tkn)).toBe(true);
      expect(await deadline(h.store, tkn)).toBe(first + 1000); // no drift
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"b":2}}}`);
      await until(untouchedDue + 30);
      expect(await h.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toMatchObject({ totalKeys: 1, totalSessions: 2 });
      await until(first + 1000 - 150);
      const read = await answeredBefore(first + 1000, () => h.body('SH_GET', `{"SH_GET":{"tkn":${tkn},"keys":["a","b"]}}`));
      if (read !== undefined) expect(read).toEqual({ keys: { b: 2 }, st: 1 });
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

    it('SH_SET_EXPIRY in a batch: the calls after it on the session write with the new deadline', async ({ onTestFinished }) => {
      // On the masters' clocks, a batch reuses the settings an earlier call on the session read:
      // not those SH_SET_EXPIRY replaced, or the SH_SET after it would give its keys the old deadline.
      const h = open(onTestFinished);
      const tkn = await h.session({ duration: 10, deleteSession: true });
      const first = await deadline(h.store, tkn);
      const replies = await Promise.all([
        h.body('SH_SET', `{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`),
        h.body('SH_SET_EXPIRY', `{"SH_SET_EXPIRY":{"tkn":${tkn},"expiry":{"duration":60,"deleteSession":true}}}`),
        h.body('SH_SET', `{"SH_SET":{"tkn":${tkn},"keys":{"b":2}}}`),
      ]);
      expect(replies.map((body) => body.st)).toEqual([1, 1, 1]);
      const due = await deadline(h.store, tkn);
      expect(due).toBeGreaterThanOrEqual(first + 50 * SECOND);
      expect(await keyExpiries(h.store, tkn)).toEqual({ meta: due, data: due });
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
