// Exact expiry's contract (docs/reference/protocol.md §7 and its improvement rules): the lazy rules every data
// store must apply on each access, judged on a manual clock to the millisecond. Only the clock
// moves (no timer runs), so what is tested is what a command sees; each store tests its own
// reclaiming (timers, Redis PEXPIREAT) beside it.
import { describe, expect, it } from 'vitest';
import { decodedToken, sessionKeyCount as keyCount, sessionVisible as visible, type ContractHarness } from './harness.js';

/** An engine whose store judges expiry by a clock the test moves. */
export interface ExpiryHarness extends ContractHarness {
  clock: { now(): number; set(ms: number): void; advance(ms: number): void };
}

const SECOND = 1000;

/** The session is seen `ms` from now and gone 1 ms later: its deadline is exactly now + `ms`. */
async function expectDeadlineIn(h: ExpiryHarness, tkn: string, ms: number): Promise<void> {
  h.clock.advance(ms);
  expect(await visible(h, tkn)).toBe(true);
  h.clock.advance(1);
  expect(await visible(h, tkn)).toBe(false);
}

let counter = 0;
/** A shared session's name no other test (nor another run on a shared server) uses. */
const sharedName = () => `expiring-${process.pid}-${Date.now()}-${counter++}`;

/** Creates the shared session `shared` (with `expiry` if given) and returns its token as JSON text. */
async function createShared(h: ExpiryHarness, shared: string, expiry?: object): Promise<string> {
  const reply = await h.body('SH_NEW', JSON.stringify({ SH_NEW: { name: shared, shared: true, expiry } }));
  expect(reply).toMatchObject({ name: shared, st: 1 });
  return String(reply.tkn);
}

const openByName = (h: ExpiryHarness, shared: string) => h.body('SH_OPEN', JSON.stringify({ SH_OPEN: { name: shared } }));

/** Registers the expiry tests; `open` gives an engine over an empty store on a fresh manual clock each time. */
export function expiryContract(open: () => ExpiryHarness): void {
  describe('deleteSession: true', () => {
    it('is visible at its deadline and gone 1 ms after it, for every command', async () => {
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
    });

    it('is not counted by SH_INFO_ALL or ended by SH_END_ALL after its deadline, even unreclaimed', async () => {
      const h = open();
      const tkn = await h.session({ duration: 1, deleteSession: true });
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1,"b":2}}}`);
      await h.session();
      h.clock.advance(SECOND + 1); // no timer has run
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
  });

  describe('deleteSession: false (the default)', () => {
    it('clears the keys at the deadline and re-arms from the deadline, without drift', async () => {
      const h = open();
      const tkn = await h.session({ duration: 10 });
      const start = h.clock.now();
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`);
      h.clock.set(start + 10 * SECOND);
      expect(await keyCount(h, tkn)).toBe(1);
      h.clock.set(start + 10 * SECOND + 1);
      expect(await keyCount(h, tkn)).toBe(0); // cleared, still there
      expect(await visible(h, tkn)).toBe(true);
      // The next period ends at start + 20 s exactly, however late the first expiry was noticed.
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"b":2}}}`);
      h.clock.set(start + 20 * SECOND);
      expect(await keyCount(h, tkn)).toBe(1);
      h.clock.set(start + 20 * SECOND + 1);
      expect(await keyCount(h, tkn)).toBe(0);
    });

    it('SH_INFO_ALL does not count the keys of an untouched session past its deadline', async () => {
      const h = open();
      const tkn = await h.session({ duration: 1 });
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1,"b":2}}}`);
      expect(await h.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toEqual({ st: 1, totalKeys: 2, totalSessions: 1 });
      h.clock.advance(SECOND + 1);
      expect(await h.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toEqual({ st: 1, totalKeys: 0, totalSessions: 1 });
    });

    it('skips whole periods when untouched, staying on the original grid', async () => {
      const h = open();
      const tkn = await h.session({ duration: 3 });
      const start = h.clock.now();
      h.clock.set(start + 3 * 3 * SECOND + 500); // three and a bit periods later
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`);
      const info = await h.body('SH_INFO', `{"SH_INFO":{"tkn":${tkn}}}`);
      expect((info.expiry as { remaining: number }).remaining).toBe(2); // ends at start + 12 s
      h.clock.set(start + 12 * SECOND);
      expect(await keyCount(h, tkn)).toBe(1);
      h.clock.set(start + 12 * SECOND + 1);
      expect(await keyCount(h, tkn)).toBe(0);
    });
  });

  describe('extends', () => {
    it('extendOnGet resets the deadline to now + duration on SH_GET only', async () => {
      const h = open();
      const tkn = await h.session({ duration: 10, deleteSession: true, extendOnGet: true });
      h.clock.advance(8 * SECOND);
      await h.send(`{"SH_CONTAINS":{"tkn":${tkn},"keys":[]}}`); // does not extend
      await h.send(`{"SH_KEYS":{"tkn":${tkn}}}`);
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`);
      await h.send(`{"SH_GET":{"tkn":${tkn},"keys":[]}}`); // extends: deadline = t + 18 s
      await expectDeadlineIn(h, tkn, 10 * SECOND);
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
      await expectDeadlineIn(h, tkn, 10 * SECOND);
    });

    it('an invalid request does not extend', async () => {
      const h = open();
      const tkn = await h.session({ duration: 10, deleteSession: true, extendOnGet: true });
      h.clock.advance(9 * SECOND);
      await h.send(`{"SH_GET":{"tkn":${tkn},"keys":"a"}}`);
      h.clock.advance(SECOND + 1);
      expect(await visible(h, tkn)).toBe(false);
    });

    it('flags without expiry do nothing', async () => {
      const h = open();
      const tkn = await h.session({ duration: 0, deleteSession: true, extendOnGet: true });
      await h.send(`{"SH_GET":{"tkn":${tkn},"keys":[]}}`);
      h.clock.advance(10 ** 9);
      expect(await visible(h, tkn)).toBe(true);
      expect(await h.body('SH_INFO', `{"SH_INFO":{"tkn":${tkn}}}`)).toMatchObject({ expires: false });
    });
  });

  describe('shared sessions (extension)', () => {
    it('deleteSession:true frees the name 1 ms after the deadline: SH_OPEN 102, SH_NEW creates anew', async () => {
      const h = open();
      const shared = sharedName();
      const tkn = await createShared(h, shared, { duration: 60, deleteSession: true });
      h.clock.advance(60 * SECOND);
      expect(await openByName(h, shared)).toEqual({ st: 1, tkn: decodedToken(tkn) });
      expect(await h.body('SH_NEW', JSON.stringify({ SH_NEW: { name: shared, shared: true } }))).toEqual({
        name: shared,
        st: 103,
        tkn: decodedToken(tkn),
      });
      h.clock.advance(1);
      expect(await openByName(h, shared)).toEqual({ st: 102, tkn: null });
      const next = await createShared(h, shared, { duration: 60, deleteSession: true });
      expect(next).not.toBe(tkn);
      expect(await openByName(h, shared)).toEqual({ st: 1, tkn: decodedToken(next) });
      expect(await visible(h, tkn)).toBe(false);
    });

    it('an untouched expired session does not hold its name against SH_NEW', async () => {
      const h = open();
      const shared = sharedName();
      const tkn = await createShared(h, shared, { duration: 1, deleteSession: true });
      h.clock.advance(SECOND + 1); // nothing looked at the session since
      const next = await createShared(h, shared, { duration: 1, deleteSession: true });
      expect(next).not.toBe(tkn);
    });

    it('deleteSession:false keeps the name across expiries (only the keys go)', async () => {
      const h = open();
      const shared = sharedName();
      const tkn = await createShared(h, shared, { duration: 10 });
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`);
      h.clock.advance(35 * SECOND);
      expect(await openByName(h, shared)).toEqual({ st: 1, tkn: decodedToken(tkn) });
      expect(await keyCount(h, tkn)).toBe(0);
      expect(await h.body('SH_INFO', `{"SH_INFO":{"tkn":${tkn}}}`)).toMatchObject({ shared: true, st: 1 });
    });

    it('an extend keeps the name past the first deadline; SH_OPEN itself does not extend', async () => {
      const h = open();
      const shared = sharedName();
      const tkn = await createShared(h, shared, { duration: 10, deleteSession: true, extendOnGet: true });
      h.clock.advance(8 * SECOND);
      await h.send(`{"SH_GET":{"tkn":${tkn},"keys":[]}}`); // deadline = t + 18 s
      h.clock.advance(9 * SECOND);
      expect(await openByName(h, shared)).toEqual({ st: 1, tkn: decodedToken(tkn) }); // t + 17 s
      h.clock.advance(SECOND + 1); // t + 18 s + 1 ms: SH_OPEN at 17 s did not extend
      expect(await openByName(h, shared)).toEqual({ st: 102, tkn: null });
    });
  });

  describe('SH_SET_EXPIRY (extension)', () => {
    const setExpiry = (h: ExpiryHarness, tkn: string, expiry: object) =>
      h.body('SH_SET_EXPIRY', `{"SH_SET_EXPIRY":{"tkn":${tkn},"expiry":${JSON.stringify(expiry)}}}`);
    const info = (h: ExpiryHarness, tkn: string) => h.body('SH_INFO', `{"SH_INFO":{"tkn":${tkn}}}`);

    it('replaces the settings in place: a new period from now, the token and the keys kept', async () => {
      const h = open();
      const tkn = await h.session({ duration: 10, deleteSession: true });
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1,"big":18446744073709551615}}}`);
      h.clock.advance(8 * SECOND);
      expect(await setExpiry(h, tkn, { duration: 30, deleteSession: true, extendOnGet: true })).toEqual({ st: 1, tkn: decodedToken(tkn) });
      expect(await info(h, tkn)).toEqual({
        expires: true,
        expiry: { deleteSession: true, duration: 30, extendOnGet: true, extendOnSetAdd: false, remaining: 30 },
        keyCnt: 2,
        shared: false,
        st: 1,
        tkn: decodedToken(tkn),
      });
      expect(await h.body('SH_GET', `{"SH_GET":{"tkn":${tkn},"keys":["a","big"]}}`)).toEqual({
        keys: { a: 1, big: 18446744073709551615n },
        st: 1,
      });
      await expectDeadlineIn(h, tkn, 30 * SECOND); // that SH_GET extended it from the same instant
    });

    it('a shorter duration brings the deadline closer', async () => {
      const h = open();
      const tkn = await h.session({ duration: 3600, deleteSession: true });
      h.clock.advance(SECOND);
      await setExpiry(h, tkn, { duration: 2, deleteSession: true });
      await expectDeadlineIn(h, tkn, 2 * SECOND);
    });

    it('duration 0: the session never expires any more (flags discarded), keys kept', async () => {
      const h = open();
      const tkn = await h.session({ duration: 5, deleteSession: true });
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`);
      expect(await setExpiry(h, tkn, { duration: 0, deleteSession: true, extendOnGet: true })).toEqual({ st: 1, tkn: decodedToken(tkn) });
      h.clock.advance(10 ** 9);
      expect(await info(h, tkn)).toEqual({ expires: false, keyCnt: 1, shared: false, st: 1, tkn: decodedToken(tkn) });
    });

    it('gives a session that never expired an expiry', async () => {
      const h = open();
      const tkn = await h.session();
      h.clock.advance(10 ** 6);
      await setExpiry(h, tkn, { duration: 5, deleteSession: true });
      await expectDeadlineIn(h, tkn, 5 * SECOND);
    });

    it('deleteSession true → false: at the new deadline only the keys go, re-armed on the new grid', async () => {
      const h = open();
      const tkn = await h.session({ duration: 10, deleteSession: true });
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`);
      h.clock.advance(5 * SECOND);
      const start = h.clock.now();
      await setExpiry(h, tkn, { duration: 4 });
      h.clock.set(start + 4 * SECOND);
      expect(await keyCount(h, tkn)).toBe(1);
      h.clock.set(start + 4 * SECOND + 1);
      expect(await keyCount(h, tkn)).toBe(0);
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"b":2}}}`);
      h.clock.set(start + 8 * SECOND + 1);
      expect(await keyCount(h, tkn)).toBe(0);
      expect(await visible(h, tkn)).toBe(true);
    });

    it('deleteSession false → true: the session itself goes at the new deadline', async () => {
      const h = open();
      const tkn = await h.session({ duration: 10 });
      await setExpiry(h, tkn, { duration: 3, deleteSession: true });
      await expectDeadlineIn(h, tkn, 3 * SECOND);
    });

    it('the new flags take effect: extendOnSetAdd extends, the old extendOnGet no longer does', async () => {
      const h = open();
      const tkn = await h.session({ duration: 10, deleteSession: true, extendOnGet: true });
      await setExpiry(h, tkn, { duration: 10, deleteSession: true, extendOnSetAdd: true });
      h.clock.advance(6 * SECOND);
      await h.send(`{"SH_GET":{"tkn":${tkn},"keys":[]}}`); // no longer extends
      h.clock.advance(2 * SECOND);
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{}}}`); // extends: deadline = now + 10 s
      await expectDeadlineIn(h, tkn, 10 * SECOND);
    });

    it('cannot rescue a session past its deadline: 100, and it stays gone', async () => {
      const h = open();
      const tkn = await h.session({ duration: 5, deleteSession: true });
      h.clock.advance(5 * SECOND + 1);
      expect(await setExpiry(h, tkn, { duration: 60 })).toEqual({ st: 100, tkn: decodedToken(tkn) });
      expect(await visible(h, tkn)).toBe(false);
    });

    it('on a deleteSession:false session past its deadline, the due expiry clears the keys first', async () => {
      const h = open();
      const tkn = await h.session({ duration: 5 });
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`);
      h.clock.advance(5 * SECOND + 1);
      expect(await setExpiry(h, tkn, { duration: 0 })).toEqual({ st: 1, tkn: decodedToken(tkn) });
      expect(await keyCount(h, tkn)).toBe(0);
      expect(await info(h, tkn)).toMatchObject({ expires: false });
    });

    it('answers 100 for a token with no session, and checks its parameters as SH_NEW does (tkn last)', async () => {
      const h = open();
      const tkn = await h.session();
      expect(await setExpiry(h, '5', { duration: 60 })).toEqual({ st: 100, tkn: 5 });
      expect(await h.body('SH_SET_EXPIRY', `{"SH_SET_EXPIRY":{"tkn":${tkn}}}`)).toEqual({ m: 'Missing parameter', st: 26, tkn: null });
      expect(await setExpiry(h, tkn, {})).toEqual({ m: 'Missing parameter', st: 26, tkn: null });
      expect(await setExpiry(h, tkn, { duration: -1 })).toEqual({ m: 'Param type incorrect', st: 41, tkn: null });
      expect(await setExpiry(h, tkn, { duration: 5, deleteSession: 'yes' })).toEqual({ m: 'Param type incorrect', st: 41, tkn: null });
      expect(await h.body('SH_SET_EXPIRY', '{"SH_SET_EXPIRY":{"expiry":{"duration":5},"tkn":"x"}}')).toEqual({ m: '', st: 100, tkn: null });
      expect(await info(h, tkn)).toMatchObject({ expires: false, st: 1 }); // nothing changed
    });

    it('a shared session keeps its name; made deleteSession:true, it frees the name when it expires', async () => {
      const h = open();
      const shared = sharedName();
      const tkn = await createShared(h, shared);
      await setExpiry(h, tkn, { duration: 20, deleteSession: true });
      expect(await info(h, tkn)).toMatchObject({ shared: true, st: 1 });
      h.clock.advance(20 * SECOND);
      expect(await openByName(h, shared)).toEqual({ st: 1, tkn: decodedToken(tkn) });
      h.clock.advance(1);
      expect(await openByName(h, shared)).toEqual({ st: 102, tkn: null });
    });

    it('a shared deleteSession:true session made to never expire keeps its name for good', async () => {
      const h = open();
      const shared = sharedName();
      const tkn = await createShared(h, shared, { duration: 2, deleteSession: true });
      await setExpiry(h, tkn, { duration: 0 });
      h.clock.advance(10 ** 7);
      expect(await openByName(h, shared)).toEqual({ st: 1, tkn: decodedToken(tkn) });
    });
  });

  describe('remaining (SH_INFO)', () => {
    it('counts whole seconds, truncated toward zero, down to 0 at the deadline', async () => {
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
  });

  describe('durations', () => {
    it('duration 0 never expires and discards the flags', async () => {
      const h = open();
      const tkn = await h.session({ duration: 0, deleteSession: true });
      h.clock.advance(10 ** 12);
      expect(await h.body('SH_INFO', `{"SH_INFO":{"tkn":${tkn}}}`)).toMatchObject({ expires: false, st: 1 });
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
    });
  });
}
