// The KV commands' contract (docs/reference/protocol.md §10): what every data store must give the engine, run by
// the engine's own tests over the in-memory store and by other stores' tests (e.g.
// @nemesisdb/store-redis) over theirs.
import { describe, expect, it } from 'vitest';
import { answersEach, commandsAnswerEach, sortedListing, type ContractHarness } from './harness.js';

const MISSING = { m: 'Missing parameter', st: 26, tkn: null };
const TYPE = { m: 'Param type incorrect', st: 41, tkn: null };

/** Registers the KV command tests; `open` gives an engine over an empty store each time it is called. */
export function kvCommandContract(open: () => ContractHarness): void {
  describe('KV_SET, KV_ADD, KV_GET (§10.1–10.3)', () => {
    it('stores, overwrites, adds without overwriting, and fetches present keys', async () => {
      const h = open();
      expect(await h.body('KV_SET', '{"KV_SET":{"keys":{"username":"Bob","age":26,"cars":["BMW","Ford"]},"tkn":5}}')).toEqual({ st: 1 });
      expect(await h.body('KV_SET', '{"KV_SET":{"keys":{"age":27}}}')).toEqual({ st: 1 });
      expect(await h.body('KV_ADD', '{"KV_ADD":{"keys":{"age":99,"city":"Leeds"}}}')).toEqual({ st: 1 });
      expect(await h.body('KV_GET', '{"KV_GET":{"keys":["username","nope",5,"age","city","age"]}}')).toEqual({
        keys: { username: 'Bob', age: 27, city: 'Leeds' },
        st: 1,
      });
      expect(await h.body('KV_GET', '{"KV_GET":{"keys":[]}}')).toEqual({ keys: {}, st: 1 });
      expect(await h.body('KV_SET', '{"KV_SET":{"keys":{}}}')).toEqual({ st: 1 });
    });

    it('keeps null values (present, not absent)', async () => {
      const h = open();
      await h.send('{"KV_SET":{"keys":{"n":null}}}');
      expect(await h.body('KV_GET', '{"KV_GET":{"keys":["n"]}}')).toEqual({ keys: { n: null }, st: 1 });
      expect(await h.body('KV_CONTAINS', '{"KV_CONTAINS":{"keys":["n"]}}')).toEqual({ contains: ['n'], st: 1 });
    });

    commandsAnswerEach(open, [
      ['KV_SET', '{"key":{"a":1}}', MISSING],
      ['KV_SET', '{"keys":[]}', TYPE],
      ['KV_ADD', '{}', MISSING],
      ['KV_ADD', '{"keys":"a"}', TYPE],
      ['KV_GET', '{}', MISSING],
      ['KV_GET', '{"keys":{}}', TYPE],
    ]);

    it('returns values exactly as stored, integers beyond 2^53 and doubles included', async () => {
      const h = open();
      await h.text('{"KV_SET":{"keys":{"k":{"b":1,"a":[12345678901234567890,24.0,-0.5]}}}}');
      expect(await h.text('{"KV_GET":{"keys":["k"]}}')).toBe(
        '{"KV_GET_RSP":{"keys":{"k":{"b":1,"a":[12345678901234567890,24.0,-0.5]}},"st":1}}',
      );
    });
  });

  describe('KV_RMV, KV_CLEAR, KV_COUNT, KV_CONTAINS, KV_KEYS, KV_CLEAR_SET (§10.4–10.9)', () => {
    it('does what each says', async () => {
      const h = open();
      await h.send('{"KV_SET":{"keys":{"a":1,"b":2,"c":3}}}');
      expect(await h.body('KV_RMV', '{"KV_RMV":{"keys":["a","nope",1]}}')).toEqual({ st: 1 });
      expect(await h.body('KV_COUNT', '{"KV_COUNT":{}}')).toEqual({ cnt: 2, st: 1 });
      expect(await h.body('KV_CONTAINS', '{"KV_CONTAINS":{"keys":["c","a","b","c",7]}}')).toEqual({ contains: ['c', 'b', 'c'], st: 1 });
      // Whole-map listings have no specified order (§10).
      expect(sortedListing(await h.body('KV_KEYS', '{"KV_KEYS":{}}'), 'keys')).toEqual({ keys: ['b', 'c'], st: 1 });
      expect(await h.body('KV_CLEAR_SET', '{"KV_CLEAR_SET":{"keys":{"x":1}}}')).toEqual({ cnt: 2, st: 1 });
      expect(await h.body('KV_KEYS', '{"KV_KEYS":{}}')).toEqual({ keys: ['x'], st: 1 });
      expect(await h.body('KV_CLEAR', '{"KV_CLEAR":{}}')).toEqual({ cnt: 1, st: 1 });
      expect(await h.body('KV_KEYS', '{"KV_KEYS":{}}')).toEqual({ keys: [], st: 1 });
      expect(await h.body('KV_CLEAR', '{"KV_CLEAR":{}}')).toEqual({ cnt: 0, st: 1 });
    });

    commandsAnswerEach(open, [
      ['KV_RMV', '{"keys":[]}', { m: 'keys', st: 42, tkn: null }],
      ['KV_RMV', '{}', MISSING],
      ['KV_RMV', '{"keys":"a"}', TYPE],
      ['KV_CONTAINS', '{}', MISSING],
      ['KV_CONTAINS', '{"keys":1}', TYPE],
      ['KV_CLEAR_SET', '{}', MISSING],
      ['KV_CLEAR_SET', '{"keys":[1]}', TYPE],
    ]);
  });

  describe('KV_FIND (§10.10)', () => {
    async function devices() {
      const h = open();
      await h.send({
        KV_SET: {
          keys: {
            Devices: [
              { make: 'Apple', sensors: ['a'] },
              { make: 'Samsung', sensors: ['a', 'b', 'c'] },
            ],
            Other: { make: 'Nokia', address: { city: 'Espoo' } },
            Plain: 5,
          },
        },
      });
      return h;
    }

    it('finds keys whose values match (the documented examples)', async () => {
      const h = await devices();
      expect(await h.body('KV_FIND', `{"KV_FIND":{"rsp":"keys","path":"$[?(@.make == 'Samsung')]"}}`)).toEqual({
        keys: ['Devices'],
        st: 1,
      });
      expect(await h.body('KV_FIND', '{"KV_FIND":{"rsp":"paths","path":"$[?(@.sensors.length >= 3)]"}}')).toEqual({
        paths: ['$[1]'],
        st: 1,
      });
    });

    it('returns whole values with rsp "kv", under "keys"', async () => {
      const h = await devices();
      expect(await h.body('KV_FIND', '{"KV_FIND":{"rsp":"kv","path":"$.address.city"}}')).toEqual({
        keys: { Other: { make: 'Nokia', address: { city: 'Espoo' } } },
        st: 1,
      });
      expect(await h.body('KV_FIND', `{"KV_FIND":{"rsp":"paths","path":"$.address.city"}}`)).toEqual({
        paths: ["$['address']['city']"],
        st: 1,
      });
    });

    it('restricts the search to the given keys (absent or [] → all)', async () => {
      const h = await devices();
      expect(await h.body('KV_FIND', '{"KV_FIND":{"rsp":"keys","path":"$..make","keys":["Other","nope",3]}}')).toEqual({
        keys: ['Other'],
        st: 1,
      });
      expect(sortedListing(await h.body('KV_FIND', '{"KV_FIND":{"rsp":"keys","path":"$..make","keys":[]}}'), 'keys')).toEqual({
        keys: ['Devices', 'Other'],
        st: 1,
      });
      expect(await h.body('KV_FIND', '{"KV_FIND":{"rsp":"keys","path":"$.nothing"}}')).toEqual({ keys: [], st: 1 });
    });

    it('answers 4 for a path that does not parse, even with nothing to search', async () => {
      const h = open();
      expect(await h.body('KV_FIND', '{"KV_FIND":{"rsp":"keys","path":"$["}}')).toEqual({ st: 4 });
      expect(await h.body('KV_FIND', '{"KV_FIND":{"rsp":"keys","path":"$[","keys":["absent"]}}')).toEqual({ st: 4 });
    });

    it.each([
      ['{"rsp":"keys","path":"$[?(@.make ==]"}', { st: 4 }],
      ['{"rsp":"keys","path":"$[?(@.make ==]","keys":["Plain"]}', { st: 4 }],
      ['{"rsp":"values","path":"$"}', { m: "'rsp' invalid value", st: 13, tkn: null }],
      ['{"rsp":"keys","path":""}', { m: "'path' is empty", st: 42, tkn: null }],
      ['{"rsp":"keys"}', MISSING],
      ['{"path":"$"}', MISSING],
      ['{"rsp":"keys","path":1}', TYPE],
      ['{"rsp":"keys","path":"$","keys":"a"}', TYPE],
    ])('%s → %j', async (body, expected) => {
      const h = await devices();
      expect(await h.body('KV_FIND', `{"KV_FIND":${body}}`)).toEqual(expected);
    });
  });

  describe('KV_UPDATE (§10.11)', () => {
    it('replaces every selected node and counts them (the documented example)', async () => {
      const h = open();
      await h.send(
        '{"KV_SET":{"keys":{"user":{"access":[{"level":1,"permit":true},{"level":3,"permit":true},{"level":5,"permit":true}]}}}}',
      );
      expect(await h.body('KV_UPDATE', '{"KV_UPDATE":{"key":"user","path":"$.access[?(@.level > 2)].permit","value":false}}')).toEqual({
        cnt: 2,
        st: 1,
      });
      expect(await h.body('KV_GET', '{"KV_GET":{"keys":["user"]}}')).toEqual({
        keys: {
          user: {
            access: [
              { level: 1, permit: true },
              { level: 3, permit: false },
              { level: 5, permit: false },
            ],
          },
        },
        st: 1,
      });
      expect(await h.body('KV_UPDATE', '{"KV_UPDATE":{"key":"user","path":"$.nothing","value":1}}')).toEqual({ cnt: 0, st: 1 });
    });

    it('replaces the whole value with $', async () => {
      const h = open();
      await h.send('{"KV_SET":{"keys":{"k":[1,2]}}}');
      expect(await h.body('KV_UPDATE', '{"KV_UPDATE":{"key":"k","path":"$","value":null}}')).toEqual({ cnt: 1, st: 1 });
      expect(await h.body('KV_GET', '{"KV_GET":{"keys":["k"]}}')).toEqual({ keys: { k: null }, st: 1 });
    });

    it('answers 22 for a missing key and ERR 1000 for a path that does not parse', async () => {
      const h = open();
      expect(await h.body('KV_UPDATE', '{"KV_UPDATE":{"key":"nope","path":"$","value":1}}')).toEqual({ cnt: 0, st: 22 });
      await h.send('{"KV_SET":{"keys":{"k":{}}}}');
      expect(await h.send('{"KV_UPDATE":{"key":"k","path":"$[","value":1}}')).toEqual({ ERR: { m: '', st: 1000 } });
    });

    answersEach(
      open,
      'KV_UPDATE',
      [
        ['{"key":"k","path":"$"}', MISSING],
        ['{"path":"$","value":1}', MISSING],
        ['{"key":1,"path":"$","value":1}', TYPE],
        ['{"key":"k","path":[],"value":1}', TYPE],
      ],
      '%s → %j',
    );
  });

  describe('KV_ARR_APPEND (§10.12)', () => {
    it('appends to an array value, or to an array member named by name', async () => {
      const h = open();
      await h.send('{"KV_SET":{"keys":{"list":[1],"profile":{"teams":["Leeds"],"age":30}}}}');
      expect(await h.body('KV_ARR_APPEND', '{"KV_ARR_APPEND":{"key":"list","items":[2,2,[3]]}}')).toEqual({ st: 1 });
      expect(await h.body('KV_ARR_APPEND', '{"KV_ARR_APPEND":{"key":"profile","name":"teams","items":["Saracens"]}}')).toEqual({ st: 1 });
      expect(await h.body('KV_GET', '{"KV_GET":{"keys":["list","profile"]}}')).toEqual({
        keys: { list: [1, 2, 2, [3]], profile: { teams: ['Leeds', 'Saracens'], age: 30 } },
        st: 1,
      });
    });

    it('answers 22 for a missing key and 1000 when the target is not an array (D11 fixed)', async () => {
      const h = open();
      await h.send('{"KV_SET":{"keys":{"n":5,"profile":{"age":30}}}}');
      expect(await h.body('KV_ARR_APPEND', '{"KV_ARR_APPEND":{"key":"nope","items":[1]}}')).toEqual({ st: 22 });
      expect(await h.body('KV_ARR_APPEND', '{"KV_ARR_APPEND":{"key":"n","items":[1]}}')).toEqual({ st: 1000 });
      expect(await h.body('KV_ARR_APPEND', '{"KV_ARR_APPEND":{"key":"profile","name":"teams","items":[1]}}')).toEqual({ st: 1000 });
      expect(await h.body('KV_ARR_APPEND', '{"KV_ARR_APPEND":{"key":"profile","name":"age","items":[1]}}')).toEqual({ st: 1000 });
      expect(await h.body('KV_ARR_APPEND', '{"KV_ARR_APPEND":{"key":"n","name":"x","items":[1]}}')).toEqual({ st: 1000 });
    });

    answersEach(
      open,
      'KV_ARR_APPEND',
      [
        ['{"key":"k"}', MISSING],
        ['{"items":[]}', MISSING],
        ['{"key":"k","items":{}}', TYPE],
        ['{"key":"k","items":[],"name":1}', TYPE],
      ],
      '%s → %j',
    );
  });
}
