import { JsonDouble, decode } from '@nemesisdb/protocol';
import { describe, expect, it } from 'vitest';
import { matchValue, parsePlaceholder, valuesEqual, type Bindings } from './match.js';

const exact = { subset: false, unordered: false };
const subset = { subset: true, unordered: false };
const unordered = { subset: false, unordered: true };

function check(expected: string, actual: string, options = exact, bindings: Bindings = new Map()): string | null {
  const mismatch = matchValue(decode(expected, { exactNumbers: true }), decode(actual, { exactNumbers: true }), options, bindings);
  return mismatch ? `${mismatch.path}: ${mismatch.message}` : null;
}

describe('matchValue', () => {
  it('compares parsed JSON: member order is free, extra members fail an exact match', () => {
    expect(check('{"R":{"st":1,"a":[1,2]}}', '{"R":{"a":[1,2],"st":1}}')).toBeNull();
    expect(check('{"R":{"st":1}}', '{"R":{"st":1,"tkn":null}}')).toBe('R: unexpected member "tkn" in {"st":1,"tkn":null}');
    expect(check('{"R":{"st":1,"m":""}}', '{"R":{"st":1}}')).toBe('R.m: missing (expected "")');
    expect(check('{"R":{"st":26}}', '{"R":{"st":41}}')).toBe('R.st: expected 26, got 41');
  });

  it('reports the status first when several members differ', () => {
    expect(check('{"R":{"a":1,"st":1}}', '{"R":{"a":2,"st":100}}')).toBe('R.st: expected 1, got 100');
  });

  it('accepts extra members at any depth in subset mode, but not extra array items', () => {
    expect(
      check('{"R":{"expiry":{"duration":60},"st":1}}', '{"R":{"expires":true,"expiry":{"duration":60,"remaining":59},"st":1}}', subset),
    ).toBeNull();
    expect(check('{"R":{"keys":[{"a":1}]}}', '{"R":{"keys":[{"a":1,"b":2}]}}', subset)).toBeNull();
    expect(check('{"R":{"keys":[1]}}', '{"R":{"keys":[1,2]}}', subset)).toBe('R.keys: expected 1 items, got 2: [1,2]');
  });

  it('compares arrays in order unless unordered', () => {
    expect(check('["a","b"]', '["b","a"]')).toBe('[0]: expected "a", got "b"');
    expect(check('["a","b","a"]', '["a","a","b"]', unordered)).toBeNull();
    expect(check('["a","b","b"]', '["a","a","b"]', unordered)).toMatch(/no item matches "b"/);
  });

  it('compares 64-bit integers exactly and numbers by value', () => {
    expect(check('18446744073709551615', '18446744073709551615')).toBeNull();
    expect(check('18446744073709551615', '18446744073709551614')).toBe('(reply): expected 18446744073709551615, got 18446744073709551614');
    expect(check('9007199254740993', '9007199254740992')).not.toBeNull();
    expect(check('24', '24.0')).toBeNull();
    expect(check('1000', '1e3')).toBeNull();
    expect(check('0.1', '0.1')).toBeNull();
    expect(check('1', '"1"')).not.toBeNull();
  });

  it('captures a placeholder on first use and requires the same value afterwards', () => {
    const bindings: Bindings = new Map();
    expect(check('{"R":{"tkn":"$tkn:uint"}}', '{"R":{"tkn":16351792548006066062}}', exact, bindings)).toBeNull();
    expect(bindings.get('tkn')).toBe(16351792548006066062n);
    expect(check('{"R":{"tkn":"$tkn"}}', '{"R":{"tkn":16351792548006066062}}', exact, bindings)).toBeNull();
    expect(check('{"R":{"tkn":"$tkn"}}', '{"R":{"tkn":16351792548006066063}}', exact, bindings)).toBe(
      'R.tkn: expected $tkn = 16351792548006066062, got 16351792548006066063',
    );
  });

  it('binds nothing when the match fails', () => {
    const bindings: Bindings = new Map();
    expect(check('{"R":{"st":1,"tkn":"$tkn"}}', '{"R":{"st":26,"tkn":5}}', exact, bindings)).not.toBeNull();
    expect(bindings.size).toBe(0);
  });

  it('checks placeholder types; $_ matches without binding', () => {
    const bindings: Bindings = new Map();
    expect(check('{"d":"$_:uint"}', '{"d":12}', exact, bindings)).toBeNull();
    expect(check('{"d":"$_:uint"}', '{"d":-1}')).toBe('d: expected an unsigned integer, got -1');
    expect(check('{"d":"$_:uint"}', '{"d":12.0}')).toBe('d: expected an unsigned integer, got 12.0');
    expect(check('{"d":"$_:int"}', '{"d":-1}')).toBeNull();
    expect(check('{"d":"$_:bool"}', '{"d":"true"}')).toBe('d: expected a bool, got "true"');
    expect(check('{"d":"$_:string"}', '{"d":"0.7.4"}')).toBeNull();
    expect(check('{"d":"$_:object"}', '{"d":[]}')).toBe('d: expected an object, got []');
    expect(check('{"d":"$_"}', '{}')).toBe('d: missing (expected "$_")');
    expect(bindings.size).toBe(0);
  });

  it('binds within unordered arrays', () => {
    const bindings: Bindings = new Map([['a', 1n]]);
    expect(check('["$a","$b"]', '[2,1]', unordered, bindings)).toBeNull();
    expect(bindings.get('b')).toBe(2);
  });
});

describe('parsePlaceholder', () => {
  it('reads names and types, and leaves JSONPath alone', () => {
    expect(parsePlaceholder('$tkn')).toEqual({ name: 'tkn', type: 'any' });
    expect(parsePlaceholder('$tkn:uint')).toEqual({ name: 'tkn', type: 'uint' });
    expect(parsePlaceholder('$_')).toEqual({ name: null, type: 'any' });
    for (const text of ['$', '$.a', '$[0]', "$['a']", '$..make', '$tkn:float', 'tkn', '$1']) expect(parsePlaceholder(text)).toBeNull();
  });
});

describe('valuesEqual', () => {
  it('is deep, order-free for members and exact for numbers', () => {
    expect(valuesEqual({ a: [1n, 'x'], b: null }, { b: null, a: [1, 'x'] })).toBe(true);
    expect(valuesEqual(new JsonDouble(24), 24)).toBe(true);
    expect(valuesEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
  });
});
