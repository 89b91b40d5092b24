import { decode, encode } from '@nemesisdb/protocol';
import { describe, expect, it } from 'vitest';
import { isKvRequest, namespaceRequest, stripNamespace } from './namespace.js';

const P = 'cf.abc.1.';
const out = (text: string): string => encode(namespaceRequest(decode(text, { exactNumbers: true }), P));
const back = (text: string): string => encode(stripNamespace(decode(text, { exactNumbers: true }), P));

describe('namespaceRequest', () => {
  it('prefixes key names wherever KV commands carry them', () => {
    expect(out('{"KV_SET":{"keys":{"a":1,"b":{"c":2}}}}')).toBe('{"KV_SET":{"keys":{"cf.abc.1.a":1,"cf.abc.1.b":{"c":2}}}}');
    expect(out('{"KV_CLEAR_SET":{"keys":{"a":1}}}')).toBe('{"KV_CLEAR_SET":{"keys":{"cf.abc.1.a":1}}}');
    expect(out('{"KV_GET":{"keys":["a",5,"b"]}}')).toBe('{"KV_GET":{"keys":["cf.abc.1.a",5,"cf.abc.1.b"]}}');
    expect(out('{"KV_FIND":{"rsp":"keys","path":"$.a","keys":["a"]}}')).toBe(
      '{"KV_FIND":{"rsp":"keys","path":"$.a","keys":["cf.abc.1.a"]}}',
    );
    expect(out('{"KV_UPDATE":{"key":"a","path":"$","value":"a"}}')).toBe('{"KV_UPDATE":{"key":"cf.abc.1.a","path":"$","value":"a"}}');
    expect(out('{"KV_ARR_APPEND":{"key":"a","name":"a","items":["a"]}}')).toBe(
      '{"KV_ARR_APPEND":{"key":"cf.abc.1.a","name":"a","items":["a"]}}',
    );
  });

  it('leaves ill-typed parameters, other commands and other shapes alone', () => {
    for (const text of [
      '{"KV_SET":{"keys":["a"]}}',
      '{"KV_GET":{"keys":"a"}}',
      '{"SH_SET":{"tkn":1,"keys":{"a":1}}}',
      '{"KV_SAVE":{"name":"a"}}',
      '[1]',
      '{"KV_SET":{},"KV_GET":{}}',
    ]) {
      expect(out(text)).toBe(text);
    }
  });

  it('keeps a key named __proto__ as a key', () => {
    expect(out('{"KV_SET":{"keys":{"__proto__":1}}}')).toBe('{"KV_SET":{"keys":{"cf.abc.1.__proto__":1}}}');
  });
});

describe('stripNamespace', () => {
  it('removes the prefix from key names in KV replies and leaves foreign names as they are', () => {
    expect(back('{"KV_GET_RSP":{"keys":{"cf.abc.1.a":1,"other":2},"st":1}}')).toBe('{"KV_GET_RSP":{"keys":{"a":1,"other":2},"st":1}}');
    expect(back('{"KV_KEYS_RSP":{"keys":["cf.abc.1.a","cf.abc.2.b"],"st":1}}')).toBe('{"KV_KEYS_RSP":{"keys":["a","cf.abc.2.b"],"st":1}}');
    expect(back('{"KV_CONTAINS_RSP":{"contains":["cf.abc.1.a"],"st":1}}')).toBe('{"KV_CONTAINS_RSP":{"contains":["a"],"st":1}}');
    expect(back('{"KV_FIND_RSP":{"keys":["cf.abc.1.a"],"st":1}}')).toBe('{"KV_FIND_RSP":{"keys":["a"],"st":1}}');
    expect(back('{"KV_FIND_RSP":{"keys":{"cf.abc.1.a":{"x":1}},"st":1}}')).toBe('{"KV_FIND_RSP":{"keys":{"a":{"x":1}},"st":1}}');
    expect(back('{"SH_GET_RSP":{"keys":{"cf.abc.1.a":1},"st":1}}')).toBe('{"SH_GET_RSP":{"keys":{"cf.abc.1.a":1},"st":1}}');
  });
});

describe('isKvRequest', () => {
  it('is true for requests naming a KV command', () => {
    expect(isKvRequest(decode('{"KV_COUNT":{}}'))).toBe(true);
    expect(isKvRequest(decode('{"SH_COUNT":{"tkn":1}}'))).toBe(false);
  });
});
