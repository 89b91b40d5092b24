import { decodedToken, sharedSessionContract, shCommandContract } from '@nemesisdb/engine/testing';
import { describe, expect, it, vi } from 'vitest';
import { Scripts } from './scripts.js';
import { describeWithRedis, harness, newStore, closeAfterTest, sleep } from './testing/harness.test-util.js';

// The SH commands through the engine over a RedisStore: the engine's store contract (every command
// with every status), then what is particular to a cluster (tokens across servers, key prefixes,
// what is left in Redis, the masters' clocks).

describeWithRedis('SH commands on a Redis Cluster', (seeds) => {
  const open = (options?: Parameters<typeof newStore>[1]) => harness(closeAfterTest(newStore(seeds(), options)));

  shCommandContract(() => open());
  sharedSessionContract(() => open());

  describe('shared sessions across servers (extension)', () => {
    const pair = () => {
      const a = open();
      const b = harness(closeAfterTest(newStore(seeds(), { keyPrefix: a.store.layout.prefix })));
      return [a, b] as const;
    };

    it("one server's SH_NEW is the other's SH_OPEN, and its SH_END frees the name for both", async () => {
      const [a, b] = pair();
      const created = await a.body('SH_NEW', '{"SH_NEW":{"name":"settings","shared":true}}');
      expect(await b.body('SH_OPEN', '{"SH_OPEN":{"name":"settings"}}')).toEqual({ st: 1, tkn: created.tkn });
      expect(await b.body('SH_NEW', '{"SH_NEW":{"name":"settings","shared":true}}')).toEqual({
        name: 'settings',
        st: 103,
        tkn: created.tkn,
      });
      await b.send(`{"SH_END":{"tkn":${String(created.tkn)}}}`);
      expect(await a.body('SH_OPEN', '{"SH_OPEN":{"name":"settings"}}')).toEqual({ st: 102, tkn: null });
      // Nothing of the name is left in the cluster.
      expect(await a.store.cluster.exists(a.store.layout.nameKey('settings'))).toBe(0);
    });

    it('two servers creating one name at once agree on one session', async () => {
      const [a, b] = pair();
      const replies = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b).body('SH_NEW', '{"SH_NEW":{"name":"race","shared":true}}')),
      );
      expect(replies.filter((r) => r.st === 1)).toHaveLength(1);
      expect(new Set(replies.map((r) => String(r.tkn))).size).toBe(1);
      expect(await a.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toEqual({ st: 1, totalKeys: 0, totalSessions: 1 });
    });

    it('a name key whose session is gone (ended behind its back) is not believed, and is replaced', async () => {
      const h = open();
      const first = await h.body('SH_NEW', '{"SH_NEW":{"name":"stale","shared":true}}');
      const { cluster, layout } = h.store;
      // The session disappears without the name key being released (as after a crash mid-way).
      await cluster.del(layout.sessionMeta(BigInt(String(first.tkn))), layout.sessionData(BigInt(String(first.tkn))));
      expect(await cluster.get(layout.nameKey('stale'))).toBe(String(first.tkn));
      expect(await h.body('SH_OPEN', '{"SH_OPEN":{"name":"stale"}}')).toEqual({ st: 102, tkn: null });
      const second = await h.body('SH_NEW', '{"SH_NEW":{"name":"stale","shared":true}}');
      expect(second.st).toBe(1);
      expect(await cluster.get(layout.nameKey('stale'))).toBe(String(second.tkn));
    });

    it('the name key of a deleteSession:true session expires a slack after it, renewed by extends', async () => {
      const h = open();
      const created = await h.body(
        'SH_NEW',
        '{"SH_NEW":{"name":"web","shared":true,"expiry":{"duration":600,"deleteSession":true,"extendOnGet":true}}}',
      );
      const { cluster, layout } = h.store;
      const key = layout.nameKey('web');
      const ttl = await cluster.pttl(key);
      // 600 s session + 600 s slack.
      expect(ttl).toBeGreaterThan(1_190_000);
      expect(ttl).toBeLessThanOrEqual(1_200_000);
      // A session that never expires, or keeps itself, has a name key without expiry.
      await h.send('{"SH_NEW":{"name":"kept","shared":true,"expiry":{"duration":600}}}');
      expect(await cluster.pttl(layout.nameKey('kept'))).toBe(-1);
      // Extends renew the name key once half the slack is used: simulate that by moving `nx` back.
      const meta = layout.sessionMeta(BigInt(String(created.tkn)));
      await cluster.hset(meta, 'nx', String(Date.now() + 1000));
      await h.send(`{"SH_GET":{"tkn":${String(created.tkn)},"keys":[]}}`);
      const renewedAt = Number(await cluster.hget(meta, 'nx'));
      expect(renewedAt).toBeGreaterThan(Date.now() + 1_190_000);
      expect(await cluster.pttl(key)).toBeGreaterThan(1_190_000);
    });

    it("SH_SET_EXPIRY: the name key's expiry follows (none unless deleteSession:true), seen by the other server", async () => {
      const [a, b] = pair();
      const created = await a.body('SH_NEW', '{"SH_NEW":{"name":"moves","shared":true,"expiry":{"duration":600,"deleteSession":true}}}');
      const tkn = String(created.tkn);
      const { cluster, layout } = a.store;
      const key = layout.nameKey('moves');
      const meta = layout.sessionMeta(BigInt(tkn));
      const setExpiry = (expiry: object) => a.body('SH_SET_EXPIRY', `{"SH_SET_EXPIRY":{"tkn":${tkn},"expiry":${JSON.stringify(expiry)}}}`);
      /** The name key's PEXPIREAT and the session's deadline and `nx` (absolute ms; -1 / NaN: none). */
      const expiries = async () => {
        const [name, [dl, nx]] = await Promise.all([cluster.pexpiretime(key), cluster.hmget(meta, 'dl', 'nx')]);
        return { name, dl: Number(dl ?? NaN), nx: Number(nx ?? NaN) };
      };
      const opens = async () => expect(await b.body('SH_OPEN', '{"SH_OPEN":{"name":"moves"}}')).toEqual({ st: 1, tkn: created.tkn });
      expect((await expiries()).name).toBeGreaterThan(Date.now() + 1_190_000);

      // Never expires any more: nor does its name.
      expect(await setExpiry({ duration: 0 })).toEqual({ st: 1, tkn: created.tkn });
      expect(await expiries()).toEqual({ name: -1, dl: NaN, nx: NaN });
      expect(await b.body('SH_INFO', `{"SH_INFO":{"tkn":${tkn}}}`)).toEqual({
        expires: false,
        keyCnt: 0,
        shared: true,
        st: 1,
        tkn: created.tkn,
      });
      await opens();

      // deleteSession:true again: the name key expires a slack (here its 120 s) after the new deadline.
      await setExpiry({ duration: 120, deleteSession: true });
      let now = await expiries();
      expect(now.name).toBe(now.nx);
      expect(now.nx).toBe(now.dl + 120_000);
      expect(now.dl).toBeGreaterThan(Date.now() + 110_000);
      expect(await b.body('SH_INFO', `{"SH_INFO":{"tkn":${tkn}}}`)).toMatchObject({
        expires: true,
        expiry: { deleteSession: true, duration: 120 },
        shared: true,
      });

      // deleteSession:false keeps the session, and so its name.
      await setExpiry({ duration: 30 });
      expect(await expiries()).toMatchObject({ name: -1, nx: NaN });
      await opens();

      // A shorter duration brings the name key's expiry closer too (the 1-minute slack at least).
      await setExpiry({ duration: 3600, deleteSession: true });
      await setExpiry({ duration: 2, deleteSession: true });
      now = await expiries();
      expect(now.name).toBe(now.nx);
      expect(now.nx).toBe(now.dl + 60_000);
      await opens();
    });

    it('a name-key step of SH_SET_EXPIRY that lands after a later one is corrected by its own check', async () => {
      // Server a makes the session deleteSession:true, but its name-key step is held back until
      // server b has made it never expire (and set its name key persistent): a's step then lands
      // last, and would leave an expiry on the name of a session that stays.
      const [a, b] = pair();
      const created = await a.body('SH_NEW', '{"SH_NEW":{"name":"late","shared":true}}');
      const tkn = String(created.tkn);
      const key = a.store.layout.nameKey('late');
      const original = Scripts.prototype.nameSetExpiry;
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      let reached = false;
      const spy = vi.spyOn(Scripts.prototype, 'nameSetExpiry').mockImplementationOnce(async function (this: Scripts, ...args) {
        reached = true;
        await held;
        return original.apply(this, args);
      });
      try {
        const first = a.body('SH_SET_EXPIRY', `{"SH_SET_EXPIRY":{"tkn":${tkn},"expiry":{"duration":60,"deleteSession":true}}}`);
        while (!reached) await sleep(5);
        expect(await b.body('SH_SET_EXPIRY', `{"SH_SET_EXPIRY":{"tkn":${tkn},"expiry":{"duration":0}}}`)).toMatchObject({ st: 1 });
        expect(await a.store.cluster.pttl(key)).toBe(-1);
        release();
        expect(await first).toMatchObject({ st: 1 });
      } finally {
        release();
        spy.mockRestore();
      }
      // a's step set the expiry, then its check saw that the session no longer wants one.
      expect(await a.store.cluster.pttl(key)).toBe(-1);
      expect(await a.body('SH_OPEN', '{"SH_OPEN":{"name":"late"}}')).toEqual({ st: 1, tkn: created.tkn });
    });

    it('with extensions off the cluster store answers SH_OPEN 10', async () => {
      const h = harness(closeAfterTest(newStore(seeds())), { extensions: false });
      expect(await h.text('{"SH_OPEN":{"name":"x"}}')).toBe('{"SH_OPEN_RSP":{"m":"","st":10,"tkn":null}}');
    });
  });

  it('SH_END leaves nothing of the session in the cluster', async () => {
    const h = open();
    const tkn = await h.session({ duration: 60, deleteSession: false });
    await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`);
    expect(await h.body('SH_END', `{"SH_END":{"tkn":${tkn}}}`)).toEqual({ st: 1, tkn: decodedToken(tkn) });
    const { cluster, layout } = h.store;
    expect(await cluster.exists(layout.sessionMeta(BigInt(tkn)), layout.sessionData(BigInt(tkn)))).toBe(0);
  });

  it('SH_NEW retries a token already in use, here or on another server (§14 D4)', async () => {
    const sequence = [7n, 7n, 7n, 9n];
    const h = open({ tokens: { next: () => sequence.shift()! } });
    expect(await h.text('{"SH_NEW":{}}')).toBe('{"SH_NEW_RSP":{"st":1,"tkn":7}}');
    expect(await h.text('{"SH_NEW":{}}')).toBe('{"SH_NEW_RSP":{"st":1,"tkn":9}}');
    // A second server on the same prefix cannot take 7 or 9 either.
    const other = harness(
      closeAfterTest(
        newStore(seeds(), { keyPrefix: h.store.layout.prefix, tokens: { next: () => (sequence.length > 0 ? sequence.shift()! : 11n) } }),
      ),
    );
    sequence.push(9n, 7n);
    expect(await other.text('{"SH_NEW":{}}')).toBe('{"SH_NEW_RSP":{"st":1,"tkn":11}}');
  });

  it('SH_END_ALL leaves other prefixes alone', async () => {
    const a = open();
    const b = open();
    await a.session();
    const kept = await b.session();
    expect(await a.body('SH_END_ALL', '{"SH_END_ALL":{}}')).toEqual({ cnt: 1, st: 1 });
    expect(await b.body('SH_EXISTS', `{"SH_EXISTS":{"tkns":[${kept}]}}`)).toEqual({ exist: [BigInt(kept)], st: 1 });
  });

  it('SH_INFO describes an expiring session with every flag and the remaining seconds', async () => {
    const h = open();
    const tkn = await h.session({ duration: 10, extendOnGet: true });
    const info = await h.body('SH_INFO', `{"SH_INFO":{"tkn":${tkn}}}`);
    // 9 once a millisecond has passed since SH_NEW (10 if the master's clock has not moved yet).
    expect([9, 10]).toContain((info.expiry as { remaining: number }).remaining);
    expect(info).toEqual({
      expires: true,
      expiry: {
        deleteSession: false,
        duration: 10,
        extendOnGet: true,
        extendOnSetAdd: false,
        remaining: (info.expiry as { remaining: number }).remaining,
      },
      keyCnt: 0,
      shared: false,
      st: 1,
      tkn: decodedToken(tkn),
    });
  });

  it('answers SH_SAVE 14 without persistence and SH_LOAD 142 with nothing to load', async () => {
    const h = open();
    expect(await h.send('{"SH_SAVE":{"name":"x"}}')).toEqual({ SH_SAVE_RSP: { m: '', st: 14 } });
    expect(await h.body('SH_LOAD', '{"SH_LOAD":{"name":"x"}}')).toEqual({ name: 'x', st: 142 });
  });
});
