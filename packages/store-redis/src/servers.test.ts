import type { Dataset, LoadOutcome, Persistence, SaveOutcome } from '@nemesisdb/engine';
import { decode, encode, type ExactJsonObject, type ExactJsonValue } from '@nemesisdb/protocol';
import { describe, expect, it } from 'vitest';
import { closeAfterTest, describeWithRedis, freshPrefix, harness, newStore, until, type Harness } from './testing/harness.test-util.js';

// Several NemesisDB servers on one cluster: each has its own RedisStore (its own connections),
// all on the same key prefix, and together they must behave as one server would.

const exact = (value: ExactJsonValue): ExactJsonValue => decode(encode(value), { exactNumbers: true });

/** A dataset copied through JSON text, as a file would be (structuredClone would turn a JsonDouble into an object). */
function copyOf(dataset: Dataset): Dataset {
  return dataset.kind === 'sessions'
    ? { kind: 'sessions', sessions: [...dataset.sessions].map((record) => ({ ...record, keys: exact(record.keys) as ExactJsonObject })) }
    : { kind: 'kv', keys: [...dataset.keys].map(([key, value]) => [key, exact(value)] as const) };
}

/** Datasets kept in a map (as the engine's persist tests do): enough for SAVE/LOAD. */
class MapPersistence implements Persistence {
  readonly saved = new Map<string, Dataset>();
  readonly enabled = true;

  save(name: string, dataset: Dataset): Promise<SaveOutcome> {
    this.saved.set(name, copyOf(dataset));
    return Promise.resolve({ st: 121, durationMs: 3 });
  }

  load(name: string, kind: Dataset['kind']): Promise<LoadOutcome> {
    const dataset = this.saved.get(name);
    if (dataset === undefined) return Promise.resolve({ ok: false, reason: 'missing' });
    if (dataset.kind !== kind) return Promise.resolve({ ok: false, reason: 'wrong-kind' });
    return Promise.resolve({ ok: true, dataset: copyOf(dataset), durationMs: 2 });
  }
}

const exists = async (h: Harness, tkn: string) =>
  ((await h.body('SH_EXISTS', `{"SH_EXISTS":{"tkns":[${tkn}]}}`)).exist as unknown[]).length === 1;

describeWithRedis('two servers sharing one cluster', (seeds) => {
  /** Two engines (two servers) on one prefix. */
  const pair = (persistence?: Persistence) => {
    const keyPrefix = freshPrefix();
    const options = persistence === undefined ? {} : { persistence };
    return [
      harness(closeAfterTest(newStore(seeds(), { keyPrefix })), options),
      harness(closeAfterTest(newStore(seeds(), { keyPrefix })), options),
    ] as const;
  };

  it('a session created through one is read, extended and expired through the other', async () => {
    const [a, b] = pair();
    const tkn = await a.session({ duration: 2, deleteSession: true, extendOnGet: true });
    await a.send(`{"SH_SET":{"tkn":${tkn},"keys":{"cart":[1,2],"big":18446744073709551615}}}`);
    const created = Date.now();
    expect(await b.text(`{"SH_GET":{"tkn":${tkn},"keys":["cart","big"]}}`)).toBe(
      '{"SH_GET_RSP":{"keys":{"cart":[1,2],"big":18446744073709551615},"st":1}}',
    );
    await until(created + 1200);
    await b.send(`{"SH_GET":{"tkn":${tkn},"keys":[]}}`); // extends, through b: deadline ≈ created + 3.2 s
    await until(created + 2300); // past the first deadline
    expect(await exists(a, tkn)).toBe(true);
    expect(await a.body('SH_INFO', `{"SH_INFO":{"tkn":${tkn}}}`)).toMatchObject({ keyCnt: 2, expiry: { remaining: 0 } });
    await until(created + 3300);
    expect(await exists(b, tkn)).toBe(false);
    expect(await exists(a, tkn)).toBe(false);
    expect(await a.body('SH_GET', `{"SH_GET":{"tkn":${tkn},"keys":["cart"]}}`)).toMatchObject({ st: 100 });
  });

  it('sees each other’s writes, ends and counts at once', async () => {
    const [a, b] = pair();
    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).session()));
    await Promise.all(tokens.map((tkn, i) => (i % 2 === 0 ? b : a).send(`{"SH_SET":{"tkn":${tkn},"keys":{"i":${i}}}}`)));
    expect(await a.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toEqual({ st: 1, totalKeys: 20, totalSessions: 20 });
    await a.send('{"KV_SET":{"keys":{"shared":{"n":1}}}}');
    expect(await b.body('KV_UPDATE', '{"KV_UPDATE":{"key":"shared","path":"$.n","value":2}}')).toEqual({ cnt: 1, st: 1 });
    expect(await a.body('KV_GET', '{"KV_GET":{"keys":["shared"]}}')).toEqual({ keys: { shared: { n: 2 } }, st: 1 });
    expect(await b.body('SH_END', `{"SH_END":{"tkn":${tokens[0]}}}`)).toMatchObject({ st: 1 });
    expect(await a.body('SH_END', `{"SH_END":{"tkn":${tokens[0]}}}`)).toMatchObject({ st: 100 });
    expect(await b.body('SH_END_ALL', '{"SH_END_ALL":{}}')).toEqual({ cnt: 19, st: 1 });
    expect(await a.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toEqual({ st: 1, totalKeys: 0, totalSessions: 0 });
    expect(await a.body('KV_CLEAR', '{"KV_CLEAR":{}}')).toEqual({ cnt: 1, st: 1 });
    expect(await b.body('KV_COUNT', '{"KV_COUNT":{}}')).toEqual({ cnt: 0, st: 1 });
  });

  it('never hands out one token twice when both create at once', async () => {
    const [a, b] = pair();
    const tokens = await Promise.all(Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? a : b).session()));
    expect(new Set(tokens).size).toBe(400);
    expect(await b.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toEqual({ st: 1, totalKeys: 0, totalSessions: 400 });
  });

  describe('SAVE and LOAD', () => {
    it('saves all sessions or the listed ones, and loads them back skipping tokens in use', async () => {
      const persistence = new MapPersistence();
      const [h, other] = pair(persistence);
      const a = await h.session({ duration: 60, extendOnGet: true });
      const b = await h.session();
      await h.send(`{"SH_SET":{"tkn":${a},"keys":{"x":1,"y":2}}}`);
      await h.send(`{"SH_SET":{"tkn":${b},"keys":{"z":3,"w":24.0}}}`);
      expect(await h.body('SH_SAVE', '{"SH_SAVE":{"name":"all"}}')).toEqual({ duration: 3, name: 'all', st: 121 });
      expect(await h.body('SH_SAVE', `{"SH_SAVE":{"name":"one","tkns":[${b},123,${b}]}}`)).toEqual({ duration: 3, name: 'one', st: 121 });
      const one = persistence.saved.get('one') as unknown as { sessions: { token: bigint; keys: Record<string, unknown> }[] };
      expect(one.sessions.map((record) => record.token)).toEqual([BigInt(b)]);
      expect(one.sessions[0]).toMatchObject({ shared: false, expiry: undefined, keys: { z: 3 } });

      expect(await h.send('{"SH_LOAD":{"name":"all"}}')).toEqual({ SH_LOAD_RSP: { keys: 0, name: 'all', sessions: 0, st: 141 } });
      await h.send('{"SH_END_ALL":{}}');
      // Loaded through the other server: same cluster, same sessions.
      expect(await other.send('{"SH_LOAD":{"name":"all"}}')).toEqual({ SH_LOAD_RSP: { keys: 4, name: 'all', sessions: 2, st: 141 } });
      const info = await h.body('SH_INFO', `{"SH_INFO":{"tkn":${a}}}`);
      expect(info).toMatchObject({ expires: true, expiry: { duration: 60, extendOnGet: true, deleteSession: false }, keyCnt: 2 });
      expect([59, 60]).toContain((info.expiry as { remaining: number }).remaining);
      expect(await h.text(`{"SH_GET":{"tkn":${b},"keys":["w"]}}`)).toBe('{"SH_GET_RSP":{"keys":{"w":24.0},"st":1}}');
      expect(await h.body('SH_LOAD', '{"SH_LOAD":{"name":"nope"}}')).toEqual({ name: 'nope', st: 142 });
    });

    it('saves and loads KV keys, overwriting on load', async () => {
      const persistence = new MapPersistence();
      const [h, other] = pair(persistence);
      await h.send('{"KV_SET":{"keys":{"a":1,"big":18446744073709551615}}}');
      expect(await h.body('KV_SAVE', '{"KV_SAVE":{"name":"users"}}')).toEqual({ duration: 3, name: 'users', st: 121 });
      await h.send('{"KV_SET":{"keys":{"a":2,"b":3}}}');
      expect(await other.body('KV_LOAD', '{"KV_LOAD":{"name":"users"}}')).toEqual({
        duration: 2,
        keys: 2,
        name: 'users',
        sessions: 0,
        st: 141,
      });
      expect(await h.body('KV_GET', '{"KV_GET":{"keys":["a","b","big"]}}')).toEqual({
        keys: { a: 1, b: 3, big: 18446744073709551615n },
        st: 1,
      });
      expect(await h.body('SH_LOAD', '{"SH_LOAD":{"name":"users"}}')).toEqual({ name: 'users', st: 142 });
    });
  });

  it('stats() counts sessions, their keys and KV keys of its prefix', async () => {
    const h = harness(closeAfterTest(newStore(seeds(), { statsMaxAgeMs: 0 })));
    expect(await h.store.stats()).toEqual({ sessions: 0, sessionKeys: 0, kvKeys: 0, expiredSessions: 0 });
    const tkn = await h.session();
    await h.session();
    await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1,"b":2}}}`);
    await h.send('{"KV_SET":{"keys":{"k":1}}}');
    expect(await h.engine.stats()).toEqual({ sessions: 2, sessionKeys: 2, kvKeys: 1, expiredSessions: 0 });
  });
});
