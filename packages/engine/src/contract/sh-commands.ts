// The SH commands' contract (docs/reference/protocol.md §9): what every data store must give the engine, run by
// the engine's own tests over the in-memory store and by other stores' tests (e.g.
// @nemesisdb/store-redis) over theirs. Expiry timing is store-specific and tested beside each store.
import { describe, expect, it } from 'vitest';
import { answersEach, decodedToken, sortedListing, type ContractHarness } from './harness.js';

const NO_SESSION = { m: '', st: 100, tkn: null };
const MISSING = { m: 'Missing parameter', st: 26, tkn: null };
const TYPE = { m: 'Param type incorrect', st: 41, tkn: null };
const UNKNOWN_TOKEN = '12345';

/** Registers the SH command tests; `open` gives an engine over an empty store each time it is called. */
export function shCommandContract(open: () => ContractHarness): void {
  describe('SH_NEW', () => {
    it('creates sessions with distinct 64-bit tokens, never 0', async () => {
      const h = open();
      const replies = await Promise.all(Array.from({ length: 200 }, () => h.body('SH_NEW', '{"SH_NEW":{}}')));
      const tokens = new Set<string>();
      for (const reply of replies) {
        expect(Object.keys(reply)).toEqual(['st', 'tkn']);
        expect(reply.st).toBe(1);
        expect(typeof reply.tkn === 'bigint' || typeof reply.tkn === 'number').toBe(true);
        expect(reply.tkn).not.toBe(0);
        tokens.add(String(reply.tkn));
      }
      expect(tokens.size).toBe(200);
      // uniform over 64 bits: almost all above 2^53
      expect([...tokens].filter((t) => BigInt(t) > 2n ** 53n).length).toBeGreaterThan(190);
      expect(await h.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toEqual({ st: 1, totalKeys: 0, totalSessions: 200 });
    });

    it('ignores a name without shared:true (§13 C1; shared sessions are in sharedSessionContract)', async () => {
      const h = open();
      const reply = await h.body('SH_NEW', '{"SH_NEW":{"name":"x","shared":false}}');
      expect(Object.keys(reply)).toEqual(['st', 'tkn']);
      expect((await h.body('SH_INFO', `{"SH_INFO":{"tkn":${reply.tkn}}}`)).shared).toBe(false);
    });

    answersEach(open, 'SH_NEW', [
      ['{"expiry":{}}', MISSING],
      ['{"expiry":{"deleteSession":true}}', MISSING],
      ['{"expiry":5}', TYPE],
      ['{"expiry":{"duration":-5}}', TYPE],
      ['{"expiry":{"duration":60.0}}', TYPE],
      ['{"expiry":{"duration":"60"}}', TYPE],
      ['{"expiry":{"duration":60,"extendOnGet":1}}', TYPE],
    ]);
  });

  describe('SH_END and SH_END_ALL', () => {
    it('ends a session and its keys', async () => {
      const h = open();
      const tkn = await h.session();
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`);
      expect(await h.body('SH_END', `{"SH_END":{"tkn":${tkn}}}`)).toEqual({ st: 1, tkn: decodedToken(tkn) });
      expect(await h.body('SH_GET', `{"SH_GET":{"tkn":${tkn},"keys":["a"]}}`)).toEqual(NO_SESSION);
      expect(await h.body('SH_END', `{"SH_END":{"tkn":${tkn}}}`)).toEqual({ st: 100, tkn: decodedToken(tkn) });
    });

    it.each(['{}', '{"tkn":"x"}', '{"tkn":-1}', '{"tkn":1.5}'])('answers form A 100 to %s', async (body) => {
      expect(await open().body('SH_END', `{"SH_END":${body}}`)).toEqual(NO_SESSION);
    });

    it('accepts a token written as a decimal string and answers with the integer (§13 C3)', async () => {
      const h = open();
      const tkn = await h.session();
      expect(await h.body('SH_END', `{"SH_END":{"tkn":"${tkn}"}}`)).toEqual({ st: 1, tkn: decodedToken(tkn) });
    });

    it('SH_END_ALL ends every session but no KV key', async () => {
      const h = open();
      for (let i = 0; i < 30; i++) await h.session();
      await h.send('{"KV_SET":{"keys":{"k":1}}}');
      expect(await h.body('SH_END_ALL', '{"SH_END_ALL":{"ignored":1}}')).toEqual({ cnt: 30, st: 1 });
      expect(await h.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toEqual({ st: 1, totalKeys: 0, totalSessions: 0 });
      expect(await h.body('KV_COUNT', '{"KV_COUNT":{}}')).toEqual({ cnt: 1, st: 1 });
      expect(await h.body('SH_END_ALL', '{"SH_END_ALL":{}}')).toEqual({ cnt: 0, st: 1 });
    });
  });

  describe('SH_EXISTS', () => {
    it('lists existing tokens in request order, repeats kept, non-tokens ignored', async () => {
      const h = open();
      const a = await h.session();
      const b = await h.session();
      const reply = await h.body('SH_EXISTS', `{"SH_EXISTS":{"tkns":[${b},${UNKNOWN_TOKEN},"x",null,${a},${b},"${a}"]}}`);
      expect(reply).toEqual({ exist: [BigInt(b), BigInt(a), BigInt(b), BigInt(a)], st: 1 });
      expect(await h.body('SH_EXISTS', '{"SH_EXISTS":{"tkns":[]}}')).toEqual({ exist: [], st: 1 });
    });

    answersEach(open, 'SH_EXISTS', [
      ['{}', MISSING],
      ['{"tkns":5}', TYPE],
    ]);
  });

  describe('SH_INFO and SH_INFO_ALL', () => {
    it('describes a session that never expires', async () => {
      const h = open();
      const tkn = await h.session();
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1,"b":2}}}`);
      expect(await h.send(`{"SH_INFO":{"tkn":${tkn}}}`)).toEqual({
        SH_INFO_RSP: { expires: false, keyCnt: 2, shared: false, st: 1, tkn: decodedToken(tkn) },
      });
    });

    it('answers an unknown token with null counts', async () => {
      expect(await open().body('SH_INFO', `{"SH_INFO":{"tkn":${UNKNOWN_TOKEN}}}`)).toEqual({
        keyCnt: null,
        shared: null,
        st: 100,
        tkn: 12345,
      });
    });

    answersEach(
      open,
      'SH_INFO',
      [
        ['{}', { m: '', st: 13, tkn: null }],
        [`{"tkn":${UNKNOWN_TOKEN},"x":1}`, { m: '', st: 13, tkn: null }],
        ['{"x":1}', NO_SESSION],
        ['{"tkn":"nope"}', NO_SESSION],
      ],
      'answers %s with %j (exactly one member, §9.5)',
    );

    it('SH_INFO_ALL counts sessions and their keys, not KV keys', async () => {
      const h = open();
      const a = await h.session();
      const b = await h.session();
      await h.send(`{"SH_SET":{"tkn":${a},"keys":{"x":1,"y":2}}}`);
      await h.send(`{"SH_SET":{"tkn":${b},"keys":{"x":1}}}`);
      await h.send('{"KV_SET":{"keys":{"k":1}}}');
      expect(await h.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toEqual({ st: 1, totalKeys: 3, totalSessions: 2 });
      await h.send(`{"SH_RMV":{"tkn":${a},"keys":["x","nope"]}}`);
      await h.send(`{"SH_CLEAR_SET":{"tkn":${b},"keys":{"p":1,"q":2,"r":3}}}`);
      expect(await h.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toEqual({ st: 1, totalKeys: 4, totalSessions: 2 });
      await h.send(`{"SH_END":{"tkn":${b}}}`);
      expect(await h.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toEqual({ st: 1, totalKeys: 1, totalSessions: 1 });
    });
  });

  describe('SH key commands (§9.9)', () => {
    it('set, add, get, contains, keys, count, rmv, clear, clear_set', async () => {
      const h = open();
      const tkn = await h.session();
      const send = (command: string, body: string) => h.body(command, `{"${command}":{"tkn":${tkn}${body}}}`);
      expect(await send('SH_SET', ',"keys":{"forename":"Billy","surname":"Bob","big":18446744073709551615}')).toEqual({ st: 1 });
      expect(await send('SH_ADD', ',"keys":{"forename":"Nope","age":26}')).toEqual({ st: 1 });
      expect(await send('SH_GET', ',"keys":["forename","nope",5,"big","age","forename"]')).toEqual({
        keys: { forename: 'Billy', big: 18446744073709551615n, age: 26 },
        st: 1,
      });
      expect(await send('SH_CONTAINS', ',"keys":["age","nope","age",1]')).toEqual({ contains: ['age', 'age'], st: 1 });
      // Whole-map listings have no specified order (§10).
      expect(sortedListing(await send('SH_KEYS', ''), 'keys')).toEqual({ keys: ['age', 'big', 'forename', 'surname'], st: 1 });
      expect(await send('SH_COUNT', '')).toEqual({ cnt: 4, st: 1 });
      expect(await send('SH_RMV', ',"keys":["surname","nope",7]')).toEqual({ st: 1 });
      expect(await send('SH_RMV', ',"keys":[7]')).toEqual({ st: 1 });
      expect(await send('SH_COUNT', '')).toEqual({ cnt: 3, st: 1 });
      expect(await send('SH_CLEAR_SET', ',"keys":{"x":null}')).toEqual({ cnt: 3, st: 1 });
      expect(await send('SH_GET', ',"keys":["x","forename"]')).toEqual({ keys: { x: null }, st: 1 });
      expect(await send('SH_CLEAR', '')).toEqual({ cnt: 1, st: 1 });
      expect(await send('SH_CLEAR', '')).toEqual({ cnt: 0, st: 1 });
      expect(await send('SH_KEYS', '')).toEqual({ keys: [], st: 1 });
      expect(await send('SH_SET', ',"keys":{}')).toEqual({ st: 1 });
      expect(await send('SH_CLEAR_SET', ',"keys":{}')).toEqual({ cnt: 0, st: 1 });
      expect(await send('SH_GET', ',"keys":[]')).toEqual({ keys: {}, st: 1 });
    });

    it('keeps sessions apart from each other and from KV keys', async () => {
      const h = open();
      const a = await h.session();
      const b = await h.session();
      await h.send(`{"SH_SET":{"tkn":${a},"keys":{"k":"a"}}}`);
      await h.send(`{"SH_SET":{"tkn":${b},"keys":{"k":"b"}}}`);
      await h.send('{"KV_SET":{"keys":{"k":"kv"}}}');
      expect(await h.body('SH_GET', `{"SH_GET":{"tkn":${a},"keys":["k"]}}`)).toEqual({ keys: { k: 'a' }, st: 1 });
      expect(await h.body('KV_GET', '{"KV_GET":{"keys":["k"]}}')).toEqual({ keys: { k: 'kv' }, st: 1 });
    });

    it('stores "__proto__", empty names and lone surrogates as ordinary keys', async () => {
      const h = open();
      const tkn = await h.session();
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"__proto__":{"polluted":true},"":1,"\\ud800":2,"é\\u0000":3}}}`);
      expect(await h.text(`{"SH_GET":{"tkn":${tkn},"keys":["__proto__","","\\ud800","é\\u0000"]}}`)).toBe(
        `{"SH_GET_RSP":{"keys":{"__proto__":{"polluted":true},"":1,"\\ud800":2,"é\\u0000":3},"st":1}}`,
      );
      const keys = (await h.body('SH_KEYS', `{"SH_KEYS":{"tkn":${tkn}}}`)).keys as string[];
      expect([...keys].sort()).toEqual(['', '__proto__', 'é\u0000', '\ud800'].sort());
      expect(await h.body('SH_CONTAINS', `{"SH_CONTAINS":{"tkn":${tkn},"keys":["\\ud800","\\udc00"]}}`)).toEqual({
        contains: ['\ud800'],
        st: 1,
      });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    const keyCommands: [string, string][] = [
      ['SH_SET', ',"keys":{"a":1}'],
      ['SH_ADD', ',"keys":{"a":1}'],
      ['SH_GET', ',"keys":["a"]'],
      ['SH_RMV', ',"keys":["a"]'],
      ['SH_CLEAR', ''],
      ['SH_COUNT', ''],
      ['SH_CONTAINS', ',"keys":["a"]'],
      ['SH_KEYS', ''],
      ['SH_CLEAR_SET', ',"keys":{"a":1}'],
    ];

    it.each(keyCommands)('%s answers 100 for an unknown, missing or invalid token', async (command, rest) => {
      const h = open();
      for (const tkn of [`"tkn":${UNKNOWN_TOKEN}`, '"tkn":"abc"', '"tkn":true', '"x":0']) {
        expect(await h.body(command, `{"${command}":{${tkn}${rest}}}`)).toEqual(NO_SESSION);
      }
    });

    it.each(keyCommands.filter(([, rest]) => rest !== ''))('%s checks its own parameters before the token', async (command) => {
      const h = open();
      expect(await h.body(command, `{"${command}":{"tkn":"bad"}}`)).toEqual(MISSING);
      expect(await h.body(command, `{"${command}":{"tkn":"bad","keys":5}}`)).toEqual(TYPE);
    });

    it('SH_RMV refuses an empty key list with 42', async () => {
      const h = open();
      const tkn = await h.session();
      expect(await h.body('SH_RMV', `{"SH_RMV":{"tkn":${tkn},"keys":[]}}`)).toEqual({ m: 'keys', st: 42, tkn: null });
      expect(await h.body('SH_RMV', `{"SH_RMV":{"tkn":"bad","keys":[]}}`)).toEqual({ m: 'keys', st: 42, tkn: null });
    });

    it('keeps integers beyond 2^53 and every JSON type exactly', async () => {
      const h = open();
      const tkn = await h.session();
      const value =
        '{"n":null,"t":true,"f":false,"i":-9223372036854775808,"u":18446744073709551615,"d":1.5,"w":24.0,"s":"é\\u0000","a":[[],{}],"o":{"x":{"y":[1]}}}';
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"v":${value}}}}`);
      expect(await h.text(`{"SH_GET":{"tkn":${tkn},"keys":["v"]}}`)).toBe(`{"SH_GET_RSP":{"keys":{"v":${value}},"st":1}}`);
    });

    it('handles thousands of keys in one command', async () => {
      const h = open();
      const tkn = await h.session();
      const keys: Record<string, number> = {};
      for (let i = 0; i < 5000; i++) keys[`k${i}`] = i;
      expect(await h.body('SH_SET', `{"SH_SET":{"tkn":${tkn},"keys":${JSON.stringify(keys)}}}`)).toEqual({ st: 1 });
      const names = Object.keys(keys);
      expect((await h.body('SH_GET', `{"SH_GET":{"tkn":${tkn},"keys":${JSON.stringify(names)}}}`)).keys).toEqual(keys);
      expect(await h.body('SH_RMV', `{"SH_RMV":{"tkn":${tkn},"keys":${JSON.stringify(names.slice(0, 4000))}}}`)).toEqual({ st: 1 });
      expect(await h.body('SH_COUNT', `{"SH_COUNT":{"tkn":${tkn}}}`)).toEqual({ cnt: 1000, st: 1 });
    });
  });
}
