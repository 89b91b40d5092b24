import { kvCommandContract } from '@nemesisdb/engine/testing';
import { expect, it } from 'vitest';
import { describeWithRedis, harness, newStore, closeAfterTest } from './testing/harness.test-util.js';

// The KV commands through the engine over a RedisStore: the engine's store contract (every command
// with every status), then what is particular to a cluster (names as Redis keys, scans over every
// master, concurrent edits from several servers).

const sorted = (body: Record<string, unknown>, member: string) => ({ ...body, [member]: [...(body[member] as string[])].sort() });

describeWithRedis('KV commands on a Redis Cluster', (seeds) => {
  const open = (keyPrefix?: string) => harness(closeAfterTest(newStore(seeds(), keyPrefix === undefined ? {} : { keyPrefix })));

  kvCommandContract(() => open());

  it('keeps awkward names exactly: "__proto__", "", braces, globs, lone surrogates', async () => {
    const h = open();
    await h.text('{"KV_SET":{"keys":{"__proto__":1,"":2,"{x}":3,"a*?[b]\\\\":4,"\\udc00":5}}}');
    expect(await h.text('{"KV_GET":{"keys":["__proto__","","{x}","a*?[b]\\\\","\\udc00"]}}')).toBe(
      '{"KV_GET_RSP":{"keys":{"__proto__":1,"":2,"{x}":3,"a*?[b]\\\\":4,"\\udc00":5},"st":1}}',
    );
    expect(sorted(await h.body('KV_KEYS', '{"KV_KEYS":{}}'), 'keys')).toEqual({
      keys: ['', '__proto__', 'a*?[b]\\', '{x}', '\udc00'].sort(),
      st: 1,
    });
  });

  it('KV_KEYS, KV_COUNT and KV_CLEAR cover every master, and only their prefix', async () => {
    const h = open();
    const other = open();
    const keys: Record<string, number> = {};
    for (let i = 0; i < 3000; i++) keys[`key${i}`] = i; // over every slot range, several SCAN pages
    await h.send({ KV_SET: { keys } });
    await other.send('{"KV_SET":{"keys":{"mine":1}}}');
    expect(await h.body('KV_COUNT', '{"KV_COUNT":{}}')).toEqual({ cnt: 3000, st: 1 });
    expect(((await h.body('KV_KEYS', '{"KV_KEYS":{}}')).keys as string[]).sort()).toEqual(Object.keys(keys).sort());
    expect(await h.body('KV_CLEAR', '{"KV_CLEAR":{}}')).toEqual({ cnt: 3000, st: 1 });
    expect(await other.body('KV_KEYS', '{"KV_KEYS":{}}')).toEqual({ keys: ['mine'], st: 1 });
  });

  it('KV_ARR_APPEND and KV_UPDATE from two servers at once lose no edit (compare-and-swap)', async () => {
    const a = open();
    const b = open(a.store.layout.prefix);
    await a.send('{"KV_SET":{"keys":{"list":[],"doc":{"n":0}}}}');
    const appends = Array.from({ length: 40 }, (_, i) =>
      (i % 2 === 0 ? a : b).body('KV_ARR_APPEND', `{"KV_ARR_APPEND":{"key":"list","items":[${i}]}}`),
    );
    expect(await Promise.all(appends)).toEqual(Array.from({ length: 40 }, () => ({ st: 1 })));
    const list = (await b.body('KV_GET', '{"KV_GET":{"keys":["list"]}}')).keys as Record<string, number[]>;
    expect([...list.list!].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('answers KV_SAVE 14 without persistence and KV_LOAD 142 with nothing to load', async () => {
    const h = open();
    expect(await h.send('{"KV_SAVE":{"name":5}}')).toEqual({ KV_SAVE_RSP: { m: '', st: 14 } });
    expect(await h.body('KV_LOAD', '{"KV_LOAD":{"name":"x"}}')).toEqual({ name: 'x', st: 142 });
  });
});
