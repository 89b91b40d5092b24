import { JsonDouble, decode, encode } from '@nemesisdb/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMembers } from '../objects.js';
import { KeysBody, TokenBody } from '../replies.js';
import { Reply } from './reply.js';

/** Values as a store holds them: what requests decode to (exact integers, JsonDouble), nested. */
const storedValue = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, -1.5, 'text', 'quote " and \\ and \u0000', '', 18446744073709551615n, 2n ** 53n + 1n),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
    fc.integer().map((n) => new JsonDouble(n)),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 3 }), tie('value'), { maxKeys: 3 }),
  ),
})).value;

/** Member names, with the ones whose order or meaning is special. */
const name = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('__proto__', '10', '2', '0', 'constructor', 'st', 'keys'));

describe('the text of a keys reply (SH_GET, KV_GET)', () => {
  it('is what encode writes for the same body', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(name, storedValue), { maxLength: 6 }), (members) => {
        const keys = createMembers();
        for (const [key, value] of members) keys[key] = value as never;
        const reply = new Reply('SH_GET_RSP', new KeysBody(keys), 'SH_GET');
        const text = reply.text();
        expect(text).toBe(`{"SH_GET_RSP":${encode({ keys, st: 1 })}}`);
        expect(decode(text)).toEqual({ SH_GET_RSP: { keys: decode(encode(keys)), st: 1 } });
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves out members without a value, and writes keys that are not an object as encode does', () => {
    const keys = createMembers();
    keys.a = 1;
    (keys as Record<string, unknown>).gone = undefined;
    expect(new Reply('KV_GET_RSP', new KeysBody(keys), 'KV_GET').text()).toBe('{"KV_GET_RSP":{"keys":{"a":1},"st":1}}');
    expect(new Reply('SH_KEYS_RSP', new KeysBody(['a', 'b']), 'SH_KEYS').text()).toBe('{"SH_KEYS_RSP":{"keys":["a","b"],"st":1}}');
    expect(new Reply('KV_GET_RSP', new KeysBody({ a: 2n ** 64n - 1n }), 'KV_GET').text()).toBe(
      '{"KV_GET_RSP":{"keys":{"a":18446744073709551615},"st":1}}',
    );
  });
});

describe('the text of a token reply (SH_NEW, SH_OPEN, SH_END)', () => {
  it('is what encode writes for the same body', () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 100), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (st, tkn) => {
        expect(new Reply('SH_NEW_RSP', new TokenBody(st, tkn), 'SH_NEW').text()).toBe(`{"SH_NEW_RSP":${encode({ st, tkn })}}`);
      }),
    );
  });
});
