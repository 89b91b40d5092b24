import { describe, expect, it } from 'vitest';
import type { Dataset, LoadOutcome, Persistence, SaveOutcome } from '../persistence.js';
import { harness } from '../testing.test-util.js';

/** Datasets kept in a map: enough to check what the commands hand over and answer. */
class MapPersistence implements Persistence {
  readonly saved = new Map<string, Dataset>();
  saveStatus: SaveOutcome['st'] = 121;

  constructor(readonly enabled = true) {}

  save(name: string, dataset: Dataset): Promise<SaveOutcome> {
    const copy: Dataset =
      dataset.kind === 'sessions'
        ? { kind: 'sessions', sessions: structuredClone([...dataset.sessions]) }
        : { kind: 'kv', keys: structuredClone([...dataset.keys]) };
    if (this.saveStatus === 121) this.saved.set(name, copy);
    return Promise.resolve({ st: this.saveStatus, durationMs: 3 });
  }

  load(name: string, kind: Dataset['kind']): Promise<LoadOutcome> {
    const dataset = this.saved.get(name);
    if (dataset === undefined) return Promise.resolve({ ok: false, reason: 'missing' });
    if (dataset.kind !== kind) return Promise.resolve({ ok: false, reason: 'wrong-kind' });
    return Promise.resolve({ ok: true, dataset: structuredClone(dataset), durationMs: 2 });
  }
}

describe('SH_SAVE and KV_SAVE while persistence is disabled', () => {
  it('answer 14 without a tkn, before looking at the body', async () => {
    const h = harness();
    expect(await h.send('{"SH_SAVE":{"name":"x"}}')).toEqual({ SH_SAVE_RSP: { m: '', st: 14 } });
    expect(await h.send('{"SH_SAVE":{}}')).toEqual({ SH_SAVE_RSP: { m: '', st: 14 } });
    expect(await h.send('{"KV_SAVE":{"name":5}}')).toEqual({ KV_SAVE_RSP: { m: '', st: 14 } });
    expect(await h.body('SV_INFO', '{"SV_INFO":{}}')).toMatchObject({ persistEnabled: false });
  });

  it('LOAD still answers (nothing to load: 142)', async () => {
    const h = harness();
    expect(await h.body('SH_LOAD', '{"SH_LOAD":{"name":"x"}}')).toEqual({ name: 'x', st: 142 });
    expect(await h.body('KV_LOAD', '{"KV_LOAD":{"name":"x"}}')).toEqual({ name: 'x', st: 142 });
  });
});

describe('SAVE and LOAD with persistence', () => {
  it('saves all sessions or the listed ones, and loads them back skipping tokens in use', async () => {
    const persistence = new MapPersistence();
    const h = harness({ persistence });
    expect(await h.body('SV_INFO', '{"SV_INFO":{}}')).toMatchObject({ persistEnabled: true });
    const a = await h.session({ duration: 60, extendOnGet: true });
    const b = await h.session();
    await h.send(`{"SH_SET":{"tkn":${a},"keys":{"x":1,"y":2}}}`);
    await h.send(`{"SH_SET":{"tkn":${b},"keys":{"z":3}}}`);
    expect(await h.body('SH_SAVE', '{"SH_SAVE":{"name":"all"}}')).toEqual({ duration: 3, name: 'all', st: 121 });
    expect(await h.body('SH_SAVE', `{"SH_SAVE":{"name":"one","tkns":[${b},123]}}`)).toEqual({ duration: 3, name: 'one', st: 121 });
    const one = persistence.saved.get('one');
    expect(one).toEqual({
      kind: 'sessions',
      sessions: [{ token: BigInt(b), shared: false, expiry: undefined, keys: expect.objectContaining({ z: 3 }) }],
    });

    // Tokens in use are skipped; the rest come back with their keys and expiry settings.
    expect(await h.send('{"SH_LOAD":{"name":"all"}}')).toEqual({ SH_LOAD_RSP: { keys: 0, name: 'all', sessions: 0, st: 141 } });
    await h.send('{"SH_END_ALL":{}}');
    expect(await h.send('{"SH_LOAD":{"name":"all"}}')).toEqual({ SH_LOAD_RSP: { keys: 3, name: 'all', sessions: 2, st: 141 } });
    expect(await h.body('SH_INFO', `{"SH_INFO":{"tkn":${a}}}`)).toMatchObject({
      expires: true,
      expiry: { duration: 60, extendOnGet: true, remaining: 60 },
      keyCnt: 2,
    });
    expect(await h.body('SH_LOAD', '{"SH_LOAD":{"name":"nope"}}')).toEqual({ name: 'nope', st: 142 });
  });

  it('saves and loads KV keys, overwriting on load', async () => {
    const persistence = new MapPersistence();
    const h = harness({ persistence });
    await h.send('{"KV_SET":{"keys":{"a":1,"big":18446744073709551615}}}');
    expect(await h.body('KV_SAVE', '{"KV_SAVE":{"name":"users"}}')).toEqual({ duration: 3, name: 'users', st: 121 });
    await h.send('{"KV_SET":{"keys":{"a":2,"b":3}}}');
    expect(await h.body('KV_LOAD', '{"KV_LOAD":{"name":"users"}}')).toEqual({ duration: 2, keys: 2, name: 'users', sessions: 0, st: 141 });
    expect(await h.body('KV_GET', '{"KV_GET":{"keys":["a","b","big"]}}')).toEqual({
      keys: { a: 1, b: 3, big: 18446744073709551615n },
      st: 1,
    });
    // A dataset of the other kind is refused (D10 fixed).
    expect(await h.body('SH_LOAD', '{"SH_LOAD":{"name":"users"}}')).toEqual({ name: 'users', st: 142 });
  });

  it('answers 122 and 123 with their shapes', async () => {
    const persistence = new MapPersistence();
    const h = harness({ persistence });
    persistence.saveStatus = 122;
    expect(await h.body('KV_SAVE', '{"KV_SAVE":{"name":"n"}}')).toEqual({ name: 'n', st: 122 });
    persistence.saveStatus = 123;
    expect(await h.body('SH_SAVE', '{"SH_SAVE":{"name":"n"}}')).toEqual({ duration: 3, name: 'n', st: 123 });
  });

  it.each([
    ['SH_SAVE', '{}', { m: 'Missing parameter', st: 26, tkn: null }],
    ['SH_SAVE', '{"name":1}', { m: 'Param type incorrect', st: 41, tkn: null }],
    ['SH_SAVE', '{"name":"n","tkns":5}', { m: 'Param type incorrect', st: 41, tkn: null }],
    ['SH_SAVE', '{"name":"n","tkns":[]}', { m: "'tkns' empty", st: 42, tkn: null }],
    ['SH_SAVE', '{"name":"n","tkns":[1,"x"]}', { m: "'tkns' contains invalid token", st: 41, tkn: null }],
    ['KV_SAVE', '{}', { m: 'Missing parameter', st: 26, tkn: null }],
    ['SH_LOAD', '{"name":null}', { m: 'Param type incorrect', st: 41, tkn: null }],
    ['KV_LOAD', '{}', { m: 'Missing parameter', st: 26, tkn: null }],
  ])('%s %s → %j', async (command, body, expected) => {
    expect(await harness({ persistence: new MapPersistence() }).body(command, `{"${command}":${body}}`)).toEqual(expected);
  });

  it('answers a failing save like any exception: SH form A 1000, KV ERR 1000', async () => {
    const failing: Persistence = {
      enabled: true,
      save: () => Promise.reject(new Error('EACCES')),
      load: () => Promise.reject(new Error('EIO')),
    };
    const h = harness({ persistence: failing });
    expect(await h.send('{"SH_SAVE":{"name":"n"}}')).toEqual({ SH_SAVE_RSP: { m: '', st: 1000, tkn: null } });
    expect(await h.send('{"KV_SAVE":{"name":"n"}}')).toEqual({ ERR: { m: '', st: 1000 } });
    expect(await h.send('{"SH_LOAD":{"name":"n"}}')).toEqual({ SH_LOAD_RSP: { m: '', st: 1000, tkn: null } });
  });
});
