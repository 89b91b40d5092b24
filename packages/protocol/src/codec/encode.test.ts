import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encode } from './encode.js';
import { JsonDouble, formatDouble } from './json-value.js';

describe('encode', () => {
  it('writes bigints as their exact digits, never quoted', () => {
    expect(encode({ SH_NEW_RSP: { st: 1, tkn: 16351792548006066062n } })).toBe('{"SH_NEW_RSP":{"st":1,"tkn":16351792548006066062}}');
    expect(encode([-(2n ** 63n), 2n ** 64n - 1n, 10n ** 30n, 0n])).toBe(
      '[-9223372036854775808,18446744073709551615,1000000000000000000000000000000,0]',
    );
    expect(encode(5n)).toBe('5');
  });

  it('writes JsonDouble with a fractional part, as upstream re-emits doubles', () => {
    expect(encode({ a: new JsonDouble(24), b: new JsonDouble(1000), c: new JsonDouble(-3) })).toBe('{"a":24.0,"b":1000.0,"c":-3.0}');
    expect(formatDouble(1e21)).toBe('1e+21');
    expect(formatDouble(1.5)).toBe('1.5');
    expect(formatDouble(Infinity)).toBe('null');
    expect(JSON.stringify({ d: new JsonDouble(60) })).toBe('{"d":60}');
  });

  it('writes like JSON.stringify in the exact writer too (undefined, toJSON, non-finite, escapes)', () => {
    const value = {
      big: 1n,
      skipped: undefined,
      fn: () => 1,
      list: [undefined, () => 1, NaN, -0, 'é/"\\\u0001\ud800'],
      date: new Date(0),
      nested: { toJSON: (key: string) => `key:${key}` },
      boxed: [new Number(3), new String('s'), new Boolean(false)],
    };
    const { big: _big, ...plain } = value;
    expect(encode(value)).toBe('{"big":1,' + JSON.stringify(plain).slice(1));
  });

  it('is JSON.stringify on values without bigint or JsonDouble', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(encode(value)).toBe(JSON.stringify(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('writes any string beside a bigint as JSON.stringify does: escapes, surrogates, short and long', () => {
    // Every UTF-16 code unit (lone surrogates too), at lengths on both sides of the writer's own scan.
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.string({ unit: fc.constantFrom('"', '\\', '\n', '\u001f', '\u007f', '\u2028', 'é', '\ud83d', '\ude00', 'a'), maxLength: 60 }),
    );
    fc.assert(
      fc.property(fc.dictionary(text, fc.oneof(text, fc.array(text, { maxLength: 3 }))), text, (keys, other) => {
        // The same object with the number 1 for the bigint: the text JSON.stringify gives.
        expect(encode({ SH_SET: { tkn: 1n, keys }, [other]: other })).toBe(JSON.stringify({ SH_SET: { tkn: 1, keys }, [other]: other }));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes the members beside a bigint as JSON.stringify does', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (keys, other) => {
        expect(encode({ SH_SET: { tkn: 16351792548006066062n, keys } })).toBe(
          `{"SH_SET":{"tkn":16351792548006066062,"keys":${JSON.stringify(keys)}}}`,
        );
        expect(encode([other, { deep: [keys, -7n] }])).toBe(`[${JSON.stringify(other)},{"deep":[${JSON.stringify(keys)},-7]}]`);
      }),
      { numRuns: 500 },
    );
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => encode({ tkn: 1n, keys: cycle })).toThrow(TypeError);
  });

  it('writes Dates beside a bigint as JSON.stringify does: any time value, invalid ones, and Dates whose conversions were replaced', () => {
    // Any time value a Date can hold (±8.64e15 ms: years −271821 to 275760), and beyond (invalid);
    // and as many from 1970 to 9999, which the writer formats itself, with the edges of its range
    // and of leap years, centuries and days.
    const day = 86_400_000;
    const edges = [
      0,
      day - 1,
      Date.UTC(2000, 1, 29),
      Date.UTC(2000, 2, 1) - 1,
      Date.UTC(2100, 1, 28, 23, 59, 59, 999),
      Date.UTC(2100, 2, 1),
      Date.UTC(2024, 11, 31, 23, 59, 59, 999),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(10000, 0, 1),
      -1,
    ];
    const time = fc.oneof(
      fc.integer({ min: -8.64e15, max: 8.64e15 }),
      fc.integer({ min: 0, max: Date.UTC(10000, 0, 1) }),
      fc.constantFrom(-8.64e15 - 1, 8.64e15 + 1, Number.NaN, ...edges),
      fc.double(),
    );
    fc.assert(
      fc.property(fc.array(time, { maxLength: 4 }), (times) => {
        const keys = { sess: { cookie: { expires: times.map((t) => new Date(t)) } } };
        expect(encode({ SH_SET: { tkn: 1n, keys } })).toBe(JSON.stringify({ SH_SET: { tkn: 1, keys } }));
      }),
      { numRuns: 2000 },
    );
    class LocalDate extends Date {
      override toISOString(): string {
        return 'local';
      }
    }
    const ownToJSON = Object.assign(new Date(0), { toJSON: () => 'own toJSON' });
    const ownIso = Object.assign(new Date(0), { toISOString: () => 'own "toISOString"' });
    const numberIso = Object.assign(new Date(0), { toISOString: () => 42 });
    const ownValueOf = Object.assign(new Date(0), { valueOf: () => Number.NaN }); // toJSON then answers null
    // Date.prototype's @@toPrimitive is not writable: an own one is defined.
    const ownPrimitive = Object.defineProperty(new Date(0), Symbol.toPrimitive, { value: () => Infinity });
    const replaced = [ownToJSON, ownIso, numberIso, ownValueOf, ownPrimitive, new LocalDate(0), new Date(0)];
    expect(encode({ tkn: 1n, replaced })).toBe(`{"tkn":1,"replaced":${JSON.stringify(replaced)}}`);
    expect(JSON.parse(encode({ tkn: 1n, replaced })).replaced).toEqual([
      'own toJSON',
      'own "toISOString"',
      42,
      null,
      null,
      'local',
      '1970-01-01T00:00:00.000Z',
    ]);
    // Not a Date at all, though it inherits from one: toJSON throws, and so does the writer.
    const impostor = Object.create(Date.prototype) as Date;
    expect(() => JSON.stringify(impostor)).toThrow(TypeError);
    expect(() => encode({ tkn: 1n, impostor })).toThrow(TypeError);
  });

  it('writes bigints reached through toJSON', () => {
    expect(encode({ a: { toJSON: () => 12345678901234567890n } })).toBe('{"a":12345678901234567890}');
    // Deep inside a member beside a token, where no type walk can see it coming.
    expect(encode({ tkn: 1n, keys: { a: [{ b: { toJSON: () => 2n ** 64n } }] } })).toBe(
      '{"tkn":1,"keys":{"a":[{"b":18446744073709551616}]}}',
    );
  });

  it('writes exact numbers deep inside the members beside a token', () => {
    expect(encode({ tkn: 1n, keys: { a: [{ d: new JsonDouble(2) }], n: { m: 2n ** 60n }, s: 'x' } })).toBe(
      '{"tkn":1,"keys":{"a":[{"d":2.0}],"n":{"m":1152921504606846976},"s":"x"}}',
    );
  });

  it('refuses cyclic values and values that are not JSON with a TypeError', () => {
    const cyclic: Record<string, unknown> = { big: 1n };
    cyclic.self = cyclic;
    expect(() => encode(cyclic)).toThrow(TypeError);
    const plainCycle: unknown[] = [];
    plainCycle.push(plainCycle);
    expect(() => encode(plainCycle)).toThrow(TypeError);
    expect(() => encode(undefined)).toThrow(TypeError);
    expect(() => encode(() => 1)).toThrow(TypeError);
  });
});
