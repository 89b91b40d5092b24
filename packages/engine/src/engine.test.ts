import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import { MemoryStore } from './store/memory/memory-store.js';
import { harness } from './testing.test-util.js';

describe('dispatch (docs/reference/protocol.md §3)', () => {
  it.each([
    ['empty message', ''],
    ['whitespace only', '  \n'],
    ['syntax error', '{"SH_NEW":'],
    ['trailing garbage', '{"SH_NEW":{}} x'],
    ['trailing comma', '{"SH_NEW":{},}'],
    ['NaN', '{"KV_SET":{"keys":{"a":NaN}}}'],
    ['comment after the root', '{"SH_NEW":{}} // late'],
    ['nesting deeper than 1024', '{"KV_SET":{"keys":{"a":' + '['.repeat(1030) + ']'.repeat(1030) + '}}}'],
  ])('answers ERR 3 to %s', async (_name, text) => {
    expect(await harness().send(text)).toEqual({ ERR: { m: '', st: 3 } });
  });

  it.each([
    ['an array', '[]'],
    ['a string', '"SH_NEW"'],
    ['null', 'null'],
    ['an empty object', '{}'],
    ['two commands', '{"SH_NEW":{},"KV_COUNT":{}}'],
  ])('answers ERR 13 when the root is %s', async (_name, text) => {
    expect(await harness().send(text)).toEqual({ ERR: { m: '', st: 13 } });
  });

  it('collapses the same command twice into one (first wins)', async () => {
    expect(await harness().send('{"KV_COUNT":{},"KV_COUNT":5}')).toEqual({ KV_COUNT_RSP: { cnt: 0, st: 1 } });
  });

  it.each([
    ['{"KV_COUNT":null}', 'KV_COUNT_RSP'],
    ['{"SH_NEW":[]}', 'SH_NEW_RSP'],
    ['{"SH_NEW":60.0}', 'SH_NEW_RSP'],
    ['{"KV_FOO":5}', 'KV_FOO_RSP'],
    ['{"NOUNDERSCORE":{}}', 'NOUNDERSCORE_RSP'],
    ['{"":{}}', '_RSP'],
  ])('answers CMD_RSP 13 to %s (body not an object, or no "_")', async (text, name) => {
    expect(await harness().send(text)).toEqual({ [name]: { m: '', st: 13, tkn: null } });
  });

  it.each(['KV_SETQ', 'KV_ADDQ', 'KV_APPEND', 'KV_FOO', 'KV_'])('answers ERR 10 to the unknown KV command %s', async (name) => {
    expect(await harness().send(`{"${name}":{}}`)).toEqual({ ERR: { m: '', st: 10 } });
  });

  it.each(['SH_FIND', 'SH_UPDATE', 'SH_ARR_APPEND', 'SV_FOO', 'ARR_SET', 'kv_set', 'Kv_SET', 'XX_A', 'YY_B'])(
    'answers CMD_RSP 10 to %s, with its own name (upstream defect D1 fixed)',
    async (name) => {
      expect(await harness().send(`{"${name}":{}}`)).toEqual({ [`${name}_RSP`]: { m: '', st: 10, tkn: null } });
    },
  );

  it('names replies after the command even when it needs escaping', async () => {
    const reply = await harness().engine.execute('{"XX_\\"Q":{}}');
    expect(reply).toBe('{"XX_\\"Q_RSP":{"m":"","st":10,"tkn":null}}');
  });

  it('accepts comments and keeps the first of duplicate members in bodies', async () => {
    const h = harness();
    expect(await h.send('/* hi */ {"KV_SET": {"keys": {"a": 1, "a": 2} /* c */}}')).toEqual({ KV_SET_RSP: { st: 1 } });
    expect(await h.send('{"KV_GET":{"keys":["a"]}}')).toEqual({ KV_GET_RSP: { keys: { a: 1 }, st: 1 } });
  });

  it('answers validation errors with form A, "tkn":null even for KV commands', async () => {
    expect(await harness().send('{"KV_SET":{"key":{"a":1}}}')).toEqual({
      KV_SET_RSP: { m: 'Missing parameter', st: 26, tkn: null },
    });
    expect(await harness().send('{"SH_NEW":{"expiry":{"duration":-5}}}')).toEqual({
      SH_NEW_RSP: { m: 'Param type incorrect', st: 41, tkn: null },
    });
  });

  it('writes replies compactly with members in upstream order', async () => {
    const h = harness();
    expect(h.engine.execute('{"SV_INFO":{}}')).toMatch(/^\{"SV_INFO_RSP":\{"persistEnabled":false,"serverVersion":"[^"]+","st":1\}\}$/);
    expect(h.engine.execute('{"KV_COUNT":{}}')).toBe('{"KV_COUNT_RSP":{"cnt":0,"st":1}}');
  });
});

describe('exceptions inside a command (§3 step 7)', () => {
  function failingEngine(): Engine {
    const store = new MemoryStore();
    const boom = () => {
      throw new Error('disk on fire');
    };
    Object.assign(store.kv, { count: boom });
    Object.assign(store.sessions, { totals: boom });
    return new Engine({ store });
  }

  it('answers KV with ERR 1000', () => {
    expect(failingEngine().execute('{"KV_COUNT":{}}')).toBe('{"ERR":{"m":"","st":1000}}');
  });

  it('answers SH with its own form A 1000', () => {
    expect(failingEngine().execute('{"SH_INFO_ALL":{}}')).toBe('{"SH_INFO_ALL_RSP":{"m":"","st":1000,"tkn":null}}');
  });

  it('answers an asynchronous failure the same way', async () => {
    const store = new MemoryStore();
    Object.assign(store.kv, { keys: () => Promise.reject(new Error('network')) });
    Object.assign(store.sessions, { endAll: () => Promise.reject(new Error('network')) });
    const engine = new Engine({ store });
    expect(await engine.execute('{"KV_KEYS":{}}')).toBe('{"ERR":{"m":"","st":1000}}');
    expect(await engine.execute('{"SH_END_ALL":{}}')).toBe('{"SH_END_ALL_RSP":{"m":"","st":1000,"tkn":null}}');
  });

  it('reports each failure with its command to onCommandError, and survives a failing report', async () => {
    const reported: [string, string][] = [];
    const store = new MemoryStore();
    Object.assign(store.kv, {
      count: () => {
        throw new Error('disk on fire');
      },
    });
    Object.assign(store.sessions, { endAll: () => Promise.reject(new Error('network')) });
    const engine = new Engine({ store, onCommandError: (error, command) => reported.push([command, (error as Error).message]) });
    engine.execute('{"KV_COUNT":{}}');
    await engine.execute('{"SH_END_ALL":{}}');
    expect(engine.execute('{"SH_GET":{"tkn":1,"keys":[]}}')).toContain('"st":100'); // a status, not a failure
    engine.execute('{"KV_SET":{"keys":{"doc":{"a":1}}}}');
    expect(engine.execute('{"KV_UPDATE":{"key":"doc","path":"$[","value":2}}')).toBe('{"ERR":{"m":"","st":1000}}'); // bad input, not a failure
    expect(reported).toEqual([
      ['KV_COUNT', 'disk on fire'],
      ['SH_END_ALL', 'network'],
    ]);

    const throwing = new Engine({
      store,
      onCommandError: () => {
        throw new Error('logger down');
      },
    });
    expect(throwing.execute('{"KV_COUNT":{}}')).toBe('{"ERR":{"m":"","st":1000}}');
  });

  it('keeps serving after a failure', () => {
    const engine = failingEngine();
    engine.execute('{"KV_COUNT":{}}');
    expect(engine.execute('{"KV_SET":{"keys":{"a":1}}}')).toBe('{"KV_SET_RSP":{"st":1}}');
  });
});

describe('SV_INFO (§8)', () => {
  it('reports our version and whether saving is enabled', async () => {
    const reply = await harness({ serverVersion: '9.9.9' }).body('SV_INFO', '{"SV_INFO":{"ignored":[1]}}');
    expect(reply).toEqual({ persistEnabled: false, serverVersion: '9.9.9', st: 1 });
  });

  it('defaults to the protocol version it speaks, 0.7.4 (docs/reference/protocol.md §8)', async () => {
    const reply = await harness().body('SV_INFO', '{"SV_INFO":{}}');
    expect(reply.serverVersion).toBe('0.7.4');
  });
});

describe('stats and command counts (for metrics)', () => {
  it('counts replies by command and status, and sizes the data', async () => {
    const h = harness();
    const tkn = await h.session({ duration: 1, deleteSession: true });
    await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1,"b":2}}}`);
    await h.send('{"SH_SET":{"tkn":1,"keys":{}}}');
    await h.send('{"KV_SET":{"keys":{"k":1}}}');
    await h.send('not json');
    await h.send('{"KV_NOPE":{}}');
    expect(await h.engine.stats()).toEqual({ sessions: 1, sessionKeys: 2, kvKeys: 1, expiredSessions: 0 });
    h.advance(1100);
    expect(await h.engine.stats()).toEqual({ sessions: 0, sessionKeys: 0, kvKeys: 1, expiredSessions: 1 });
    expect(h.engine.commandCounts()).toEqual(
      expect.arrayContaining([
        { command: 'SH_NEW', st: 1, count: 1 },
        { command: 'SH_SET', st: 1, count: 1 },
        { command: 'SH_SET', st: 100, count: 1 },
        { command: 'KV_SET', st: 1, count: 1 },
        { command: 'ERR', st: 3, count: 1 },
        { command: 'ERR', st: 10, count: 1 },
      ]),
    );
  });
});
