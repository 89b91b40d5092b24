import { shCommandContract } from '@nemesisdb/engine/testing';
import { expect, it } from 'vitest';
import { describeWithRedis, harness, newStore, closeAfterTest } from './testing/harness.test-util.js';

// The SH commands through the engine over a RedisStore: the engine's store contract (every command
// with every status), then what is particular to a cluster (tokens across servers, key prefixes,
// what is left in Redis, the masters' clocks).

describeWithRedis('SH commands on a Redis Cluster', (seeds) => {
  const open = (options?: Parameters<typeof newStore>[1]) => harness(closeAfterTest(newStore(seeds(), options)));

  shCommandContract(() => open());

  it('SH_END leaves nothing of the session in the cluster', async () => {
    const h = open();
    const tkn = await h.session({ duration: 60, deleteSession: false });
    await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`);
    expect(await h.body('SH_END', `{"SH_END":{"tkn":${tkn}}}`)).toEqual({ st: 1, tkn: BigInt(tkn) });
    const { cluster, layout } = h.store;
    expect(await cluster.exists(layout.sessionMeta(BigInt(tkn)), layout.sessionData(BigInt(tkn)))).toBe(0);
  });

  it('SH_NEW retries a token already in use, here or on another server (§14 D4)', async () => {
    const sequence = [7n, 7n, 7n, 9n];
    const h = open({ tokens: { next: () => sequence.shift()! } });
    expect(await h.text('{"SH_NEW":{}}')).toBe('{"SH_NEW_RSP":{"st":1,"tkn":7}}');
    expect(await h.text('{"SH_NEW":{}}')).toBe('{"SH_NEW_RSP":{"st":1,"tkn":9}}');
    // A second server on the same prefix cannot take 7 or 9 either.
    const other = harness(closeAfterTest(newStore(seeds(), { keyPrefix: h.store.layout.prefix, tokens: { next: () => (sequence.length > 0 ? sequence.shift()! : 11n) } })));
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
      expiry: { deleteSession: false, duration: 10, extendOnGet: true, extendOnSetAdd: false, remaining: (info.expiry as { remaining: number }).remaining },
      keyCnt: 0,
      shared: false,
      st: 1,
      tkn: BigInt(tkn),
    });
  });


  it('answers SH_SAVE 14 without persistence and SH_LOAD 142 with nothing to load', async () => {
    const h = open();
    expect(await h.send('{"SH_SAVE":{"name":"x"}}')).toEqual({ SH_SAVE_RSP: { m: '', st: 14 } });
    expect(await h.body('SH_LOAD', '{"SH_LOAD":{"name":"x"}}')).toEqual({ name: 'x', st: 142 });
  });
});
