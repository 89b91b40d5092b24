import { describe, expect, it } from 'vitest';
import { JsonDouble, type ExactJsonValue } from '@nemesisdb/protocol';
import { JsonPathError, replaceSelected, selectPaths } from './jsonpath.js';

/** An integral double as the codec decodes it (`60.0`). */
const double = (n: number): ExactJsonValue => new JsonDouble(n);

const devices: ExactJsonValue = [
  { make: 'Apple', model: 'iPhone', sensors: ['gps'] },
  { make: 'Samsung', model: 'Galaxy', sensors: ['gps', 'gyro', 'lidar'] },
  { make: 'Google', model: 'Pixel', sensors: [] },
];

const person: ExactJsonValue = {
  name: 'Alice',
  address: { city: 'London', street: { name: 'Baker' } },
  friends: [{ name: 'Bob' }, { name: 'Carol', age: 30 }],
};

/** An object with an own member named "__proto__", as the codec decodes `{"__proto__": ...}`. */
function withProtoMember(member: ExactJsonValue, rest: Record<string, ExactJsonValue> = {}): ExactJsonValue {
  const object: Record<string, ExactJsonValue> = { ...rest };
  Object.defineProperty(object, '__proto__', { value: member, enumerable: true, writable: true, configurable: true });
  return object;
}

describe('selectPaths (KV_FIND)', () => {
  it('matches the documented Samsung filter', () => {
    expect(selectPaths(devices, "$[?(@.make == 'Samsung')]")).toEqual(['$[1]']);
  });

  it('reads .length of an array jsoncons-style', () => {
    expect(selectPaths(devices, '$[?(@.sensors.length >= 3)]')).toEqual(['$[1]']);
    expect(selectPaths(devices, '$[?(@.sensors.length == 1)]')).toEqual(['$[0]']);
    // jsoncons gives no .length for an empty array, so the comparison is false, not 0 < 1.
    expect(selectPaths(devices, '$[?(@.sensors.length < 1)]')).toEqual([]);
    expect(selectPaths(devices, '$[?(length(@.sensors) == 0)]')).toEqual(['$[2]']);
  });

  it('reads .length of a string in code points, and as a member of an object when it is one', () => {
    expect(selectPaths(['ab', 'a😀c'], '$[?(@.length == 3)]')).toEqual(['$[1]']);
    expect(selectPaths({ length: 7 }, '$.length')).toEqual(["$['length']"]);
    expect(selectPaths({ a: [1, 2] }, '$.a.length')).toEqual(["$['a']['length']"]);
  });

  it('combines conditions with && and ||', () => {
    const value: ExactJsonValue = [
      { a: 'x', b: 3 },
      { a: 'x', b: 1 },
      { a: 'y', b: 5 },
    ];
    expect(selectPaths(value, "$[?(@.a == 'x' && @.b > 2)]")).toEqual(['$[0]']);
    expect(selectPaths(value, "$[?(@.a == 'y' || @.b < 2)]")).toEqual(['$[1]', '$[2]']);
    expect(selectPaths(value, "$[?(!(@.a == 'x'))]")).toEqual(['$[2]']);
  });

  it('selects the root with $', () => {
    expect(selectPaths(person, '$')).toEqual(['$']);
    expect(selectPaths(42, '$')).toEqual(['$']);
    expect(selectPaths(null, '$')).toEqual(['$']);
  });

  it('selects members by dot and bracket notation, in jsoncons normalized form', () => {
    expect(selectPaths(person, '$.address.city')).toEqual(["$['address']['city']"]);
    expect(selectPaths(person, "$['address']['city']")).toEqual(["$['address']['city']"]);
    expect(selectPaths(person, '$["address"]["city"]')).toEqual(["$['address']['city']"]);
    expect(selectPaths(person, '$.friends[1].name')).toEqual(["$['friends'][1]['name']"]);
    expect(selectPaths(person, '$.friends[-1]')).toEqual(["$['friends'][1]"]);
  });

  it('handles quotes and escapes in bracketed names', () => {
    const value: ExactJsonValue = { "it's": 1, 'a"b': 2, 'a.b': 3, 'back\\slash': 4, 'new\nline': 5 };
    expect(selectPaths(value, '$["it\'s"]')).toEqual(["$['it\\'s']"]);
    expect(selectPaths(value, "$['it\\'s']")).toEqual(["$['it\\'s']"]);
    expect(selectPaths(value, `$['a"b']`)).toEqual([`$['a"b']`]);
    expect(selectPaths(value, "$['a.b']")).toEqual(["$['a.b']"]);
    expect(selectPaths(value, "$['back\\\\slash']")).toEqual(["$['back\\\\slash']"]);
    expect(selectPaths(value, "$['new\\nline']")).toEqual(["$['new\\nline']"]);
  });

  it('treats a quoted integer name on an array as an index, as jsoncons does', () => {
    expect(selectPaths(['a', 'b'], "$['1']")).toEqual(['$[1]']);
    expect(selectPaths({ '1': 'x' }, "$['1']")).toEqual(["$['1']"]);
  });

  it('descends with ..', () => {
    expect(selectPaths(person, '$..name')).toEqual([
      "$['name']",
      "$['address']['street']['name']",
      "$['friends'][0]['name']",
      "$['friends'][1]['name']",
    ]);
  });

  it('selects every element or member with [*] and .*', () => {
    expect(selectPaths(devices, '$[*]')).toEqual(['$[0]', '$[1]', '$[2]']);
    expect(selectPaths({ a: 1, b: [2] }, '$.*')).toEqual(["$['a']", "$['b']"]);
    expect(selectPaths([], '$[*]')).toEqual([]);
  });

  it('removes duplicate nodes', () => {
    expect(selectPaths(['a', 'b'], '$[0,0,1,0]')).toEqual(['$[0]', '$[1]']);
    expect(selectPaths({ a: { a: 1 } }, '$..a..a')).toEqual(["$['a']['a']"]);
  });

  it('compares bigint values exactly', () => {
    const value: ExactJsonValue = [{ id: 12345678901234567890n }, { id: 1 }, { id: -(2n ** 70n) }];
    expect(selectPaths(value, '$[?(@.id > 2)]')).toEqual(['$[0]']);
    expect(selectPaths(value, '$[?(@.id < 0)]')).toEqual(['$[2]']);
    expect(selectPaths(value, '$[?(@.id >= 12345678901234567000)]')).toEqual(['$[0]']);
    expect(selectPaths([{ a: 2n ** 64n, b: 2n ** 64n + 1n }], '$[?(@.a == @.b)]')).toEqual([]);
    expect(selectPaths([{ a: 2n ** 64n, b: 2n ** 64n }], '$[?(@.a == @.b)]')).toEqual(['$[0]']);
  });

  it('compares JsonDouble values as their number, and never descends into them', () => {
    const value: ExactJsonValue = [{ t: double(60) }, { t: 59 }, { t: double(61) }];
    expect(selectPaths(value, '$[?(@.t == 60)]')).toEqual(['$[0]']);
    expect(selectPaths(value, '$[?(@.t > 59.5)]')).toEqual(['$[0]', '$[2]']);
    expect(selectPaths([{ a: double(3), b: 3 }], '$[?(@.a == @.b)]')).toEqual(['$[0]']);
    expect(selectPaths([{ a: [double(1)], b: [1] }], '$[?(@.a == @.b)]')).toEqual(['$[0]']);
    expect(selectPaths({ d: double(5) }, '$..*')).toEqual(["$['d']"]);
    expect(selectPaths({ d: double(5) }, '$.d.value')).toEqual([]);
    expect(selectPaths({ d: double(5) }, '$.d[*]')).toEqual([]);
    expect(selectPaths([double(1), 2, double(3), 'x'], '$[?(@ >= 2)]')).toEqual(['$[1]', '$[2]']);
  });

  it('supports the RFC 9535 functions beside jsoncons length()', () => {
    const value: ExactJsonValue = [
      { tags: ['a', 'b'], name: 'alpha' },
      { tags: [], name: 'beta' },
    ];
    expect(selectPaths(value, '$[?(count(@.tags[*]) == 2)]')).toEqual(['$[0]']);
    expect(selectPaths(value, "$[?(match(@.name, 'b.*'))]")).toEqual(['$[1]']);
    expect(selectPaths(value, "$[?(search(@.name, 'ph'))]")).toEqual(['$[0]']);
    expect(selectPaths(value, '$[?(length(@.name) == 5)]')).toEqual(['$[0]']);
  });

  it('follows jsoncons for missing members, mixed types and truthiness', () => {
    const value: ExactJsonValue = [{ x: null }, {}, { x: 0 }, { x: false }, { x: '' }, { x: 'a' }, { x: [] }, { x: {} }];
    expect(selectPaths(value, '$[?(@.x == null)]')).toEqual(['$[0]', '$[1]']);
    expect(selectPaths(value, '$[?(@.x)]')).toEqual(['$[2]', '$[5]']);
    expect(selectPaths(value, "$[?(@.x < 'b')]")).toEqual(['$[4]', '$[5]']);
    expect(selectPaths(value, '$[?(@.x >= 0)]')).toEqual(['$[2]']);
    expect(selectPaths([{ a: 1 }, { a: 1.0 }, { a: '1' }], '$[?(@.a == 1)]')).toEqual(['$[0]', '$[1]']);
    expect(selectPaths([{ a: { p: 1, q: [2] } }], '$[?(@.a == $[0].a)]')).toEqual(['$[0]']);
  });

  it('filters the members of an object too', () => {
    expect(selectPaths({ a: { n: 1 }, b: { n: 5 } }, '$[?(@.n > 2)]')).toEqual(["$['b']"]);
  });

  it('orders strings by code point, as jsoncons compares UTF-8', () => {
    // U+FF5E sorts below U+1F600 by code point, above it by UTF-16 code unit.
    expect(selectPaths([{ s: '\uff5e' }], "$[?(@.s < '😀')]")).toEqual(['$[0]']);
  });

  it('returns [] when nothing matches', () => {
    expect(selectPaths(person, '$.nope')).toEqual([]);
    expect(selectPaths(person, '$.friends[5]')).toEqual([]);
    expect(selectPaths(person, "$[?(@.make == 'Samsung')]")).toEqual([]);
    expect(selectPaths('text', '$.a')).toEqual([]);
    expect(selectPaths(1, '$[0]')).toEqual([]);
  });

  it('throws JsonPathError on syntax errors', () => {
    for (const path of ['$[', '$.a[?(@.b ==]', '', 'a.b', '$..', "$['a", '$[?(@.a ==== 1)]', '$.a[?(@.b == 1)', '$[1:2:0:1]']) {
      expect(() => selectPaths(person, path), path).toThrow(JsonPathError);
    }
    try {
      selectPaths(person, '$[');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(JsonPathError);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/invalid JSONPath/);
    }
  });

  it('throws JsonPathError on unknown filter functions', () => {
    expect(() => selectPaths(devices, '$[?(nope(@.a) == 1)]')).toThrow(JsonPathError);
  });

  it('keeps working on the same path after an error (cache) and on repeated calls', () => {
    expect(() => selectPaths(person, '$[')).toThrow(JsonPathError);
    for (let i = 0; i < 3; i++) expect(selectPaths(person, '$.name')).toEqual(["$['name']"]);
    for (let i = 0; i < 300; i++) selectPaths(person, `$.friends[${i}]`);
    expect(selectPaths(person, '$.friends[1]')).toEqual(["$['friends'][1]"]);
  });

  it('matches an own member named __proto__ and never reaches a prototype', () => {
    const value = withProtoMember({ polluted: 1 }, { a: 1 });
    expect(selectPaths(value, '$.__proto__')).toEqual(["$['__proto__']"]);
    expect(selectPaths(value, "$['__proto__'].polluted")).toEqual(["$['__proto__']['polluted']"]);
    expect(selectPaths(value, '$..polluted')).toEqual(["$['__proto__']['polluted']"]);
    expect(selectPaths(value, '$[?(@.polluted == 1)]')).toEqual(["$['__proto__']"]);
    expect(selectPaths({ a: 1 }, '$.__proto__')).toEqual([]);
    expect(selectPaths({ a: 1 }, '$.constructor')).toEqual([]);
    expect(selectPaths({ a: 1 }, '$.toString')).toEqual([]);
    expect(selectPaths(['x'], '$.constructor')).toEqual([]);
    expect(selectPaths([{ a: 1 }], '$[?(@.constructor)]')).toEqual([]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('replaceSelected (KV_UPDATE)', () => {
  it('replaces the documented permit', () => {
    const root: ExactJsonValue = {
      access: [
        { level: 1, permit: true },
        { level: 3, permit: true },
      ],
    };
    const result = replaceSelected(root, '$.access[?(@.level > 2)].permit', false);
    expect(result.count).toBe(1);
    expect(result.root).toEqual({
      access: [
        { level: 1, permit: true },
        { level: 3, permit: false },
      ],
    });
  });

  it('replaces several nodes, each with its own copy of the value', () => {
    const root: ExactJsonValue = { a: [{ v: 1 }, { v: 2 }, { v: 3 }] };
    const result = replaceSelected(root, '$.a[*].v', { n: [1, 12345678901234567890n] });
    expect(result.count).toBe(3);
    expect(result.root).toBe(root);
    expect(result.root).toEqual({
      a: [{ v: { n: [1, 12345678901234567890n] } }, { v: { n: [1, 12345678901234567890n] } }, { v: { n: [1, 12345678901234567890n] } }],
    });
    const a = (root as { a: Array<{ v: { n: unknown[] } }> }).a;
    expect(a[0]!.v).not.toBe(a[1]!.v);
    expect(a[0]!.v.n).not.toBe(a[1]!.v.n);
  });

  it('replaces nodes found with .. , and a node together with its descendants', () => {
    const root: ExactJsonValue = { name: 'x', child: { name: 'y' } };
    expect(replaceSelected(root, '$..name', 'z')).toEqual({ root: { name: 'z', child: { name: 'z' } }, count: 2 });
    const nested: ExactJsonValue = { a: { a: 1 } };
    expect(replaceSelected(nested, '$..a', 0)).toEqual({ root: { a: 0 }, count: 2 });
  });

  it('replaces the whole value for $', () => {
    const root: ExactJsonValue = { a: 1 };
    const result = replaceSelected(root, '$', [1, 2]);
    expect(result).toEqual({ root: [1, 2], count: 1 });
    expect(root).toEqual({ a: 1 });
    expect(replaceSelected('scalar', '$', null)).toEqual({ root: null, count: 1 });
  });

  it('creates nothing when nothing matches', () => {
    const root: ExactJsonValue = { a: { b: 1 }, list: [1] };
    expect(replaceSelected(root, '$.a.c', 5)).toEqual({ root, count: 0 });
    expect(replaceSelected(root, '$.list[3]', 5)).toEqual({ root, count: 0 });
    expect(replaceSelected(root, '$[?(@.x == 1)]', 5)).toEqual({ root, count: 0 });
    expect(root).toEqual({ a: { b: 1 }, list: [1] });
  });

  it('does not replace a computed .length', () => {
    const root: ExactJsonValue = { list: [1, 2] };
    expect(replaceSelected(root, '$.list.length', 9)).toEqual({ root: { list: [1, 2] }, count: 0 });
  });

  it('filters on bigint and JsonDouble values', () => {
    const root: ExactJsonValue = [
      { id: 12345678901234567890n, t: double(60), ok: false },
      { id: 1, t: 10, ok: false },
    ];
    expect(replaceSelected(root, '$[?(@.id > 2 && @.t >= 60)].ok', true).count).toBe(1);
    expect((root as Array<{ ok: boolean }>).map((d) => d.ok)).toEqual([true, false]);
  });

  it('replaces an own __proto__ member as a member, never as the prototype', () => {
    const root = withProtoMember({ old: 1 }, { a: 1 });
    const result = replaceSelected(root, '$.__proto__', { polluted: true });
    expect(result.count).toBe(1);
    expect(Object.getPrototypeOf(root)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(root, '__proto__')?.value).toEqual({ polluted: true });
    expect((root as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();

    const copies = { a: { x: 1 }, b: { x: 2 } };
    replaceSelected(copies, '$.*.x', withProtoMember({ polluted: true }));
    expect(Object.getPrototypeOf(copies.b.x)).toBe(Object.prototype);
    expect(Object.keys(copies.b.x)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('throws JsonPathError on an invalid path, leaving the value as it was', () => {
    const root: ExactJsonValue = { a: 1 };
    expect(() => replaceSelected(root, '$.a[?(@.b ==]', 2)).toThrow(JsonPathError);
    expect(() => replaceSelected(root, '$[', 2)).toThrow(JsonPathError);
    expect(root).toEqual({ a: 1 });
  });
});
