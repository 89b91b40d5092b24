import { describe, expect, it } from 'vitest';
import { decode } from '../codec/decode.js';
import { COMMAND_NAMES, type CommandName } from './commands.js';
import { checkRequest } from './validate.js';

/** What a body must be answered with: accepted, or a status with its `m`. */
type Expected = 'ok' | [st: number, m: string];

const MISSING: Expected = [26, 'Missing parameter'];
const TYPE: Expected = [41, 'Param type incorrect'];
const NO_SESSION: Expected = [100, ''];
const TOKEN = '16351792548006066062';

/**
 * Request bodies (as JSON text, decoded the way a server decodes them) and the outcome docs/reference/protocol.md
 * §4 and §8–§10 prescribe, command by command.
 */
const cases: Record<CommandName, [body: string, expected: Expected][]> = {
  SV_INFO: [
    ['{}', 'ok'],
    ['{"anything":1}', 'ok'],
  ],
  SH_NEW: [
    ['{}', 'ok'],
    ['{"name":"ignored","shared":true}', 'ok'],
    ['{"expiry":{"duration":60,"deleteSession":true,"extendOnGet":true,"extendOnSetAdd":false}}', 'ok'],
    ['{"expiry":{"duration":0}}', 'ok'],
    ['{"expiry":{"duration":18446744073709551615}}', 'ok'],
    ['{"expiry":{"duration":18446744073709551616}}', TYPE],
    ['{"expiry":{"duration":-5}}', TYPE],
    ['{"expiry":{"duration":60.0}}', TYPE],
    ['{"expiry":{"duration":6e1}}', TYPE],
    ['{"expiry":{"duration":1.5}}', TYPE],
    ['{"expiry":{"duration":"60"}}', TYPE],
    ['{"expiry":{"duration":null}}', TYPE],
    ['{"expiry":{}}', MISSING],
    ['{"expiry":{"deleteSession":true}}', MISSING],
    ['{"expiry":5}', TYPE],
    ['{"expiry":[]}', TYPE],
    // alphabetical: deleteSession is checked before duration
    ['{"expiry":{"deleteSession":1}}', TYPE],
    ['{"expiry":{"duration":60,"extendOnGet":"yes"}}', TYPE],
    ['{"expiry":{"duration":60,"extendOnSetAdd":0}}', TYPE],
    // `name` is checked by sharedSessionName (only with shared:true and extensions on), never here
    ['{"shared":true}', 'ok'],
    ['{"name":5,"shared":1}', 'ok'],
  ],
  SH_OPEN: [
    ['{"name":"settings"}', 'ok'],
    ['{"name":"settings","extra":1}', 'ok'],
    ['{}', MISSING],
    ['{"name":5}', TYPE],
    ['{"name":null}', TYPE],
    ['{"name":""}', [42, "'name' empty"]],
  ],
  SH_END: [
    [`{"tkn":${TOKEN}}`, 'ok'],
    [`{"tkn":"${TOKEN}"}`, 'ok'],
    ['{}', NO_SESSION],
    ['{"tkn":-1}', NO_SESSION],
    ['{"tkn":1.5}', NO_SESSION],
    ['{"tkn":5.0}', NO_SESSION],
    ['{"tkn":"0123"}', NO_SESSION],
    ['{"tkn":18446744073709551616}', NO_SESSION],
    ['{"tkn":null}', NO_SESSION],
  ],
  SH_SET_EXPIRY: [
    [`{"expiry":{"duration":60,"deleteSession":true},"tkn":${TOKEN}}`, 'ok'],
    [`{"expiry":{"duration":0},"tkn":"${TOKEN}"}`, 'ok'],
    [`{"expiry":{"duration":18446744073709551615},"tkn":${TOKEN}}`, 'ok'],
    [`{"tkn":${TOKEN}}`, MISSING],
    [`{"expiry":{},"tkn":${TOKEN}}`, MISSING],
    [`{"expiry":5,"tkn":${TOKEN}}`, TYPE],
    [`{"expiry":{"duration":-5},"tkn":${TOKEN}}`, TYPE],
    [`{"expiry":{"duration":60.0},"tkn":${TOKEN}}`, TYPE],
    [`{"expiry":{"duration":60,"extendOnGet":"yes"},"tkn":${TOKEN}}`, TYPE],
    // `tkn` last, and any problem with it is 100
    ['{"expiry":{"duration":60}}', NO_SESSION],
    ['{"expiry":{"duration":60},"tkn":-1}', NO_SESSION],
    ['{"tkn":-1}', MISSING],
  ],
  SH_END_ALL: [['{}', 'ok']],
  SH_EXISTS: [
    [`{"tkns":[${TOKEN},1,"x",null]}`, 'ok'],
    ['{"tkns":[]}', 'ok'],
    ['{}', MISSING],
    ['{"tkns":5}', TYPE],
  ],
  SH_INFO: [
    [`{"tkn":${TOKEN}}`, 'ok'],
    ['{}', [13, '']],
    [`{"tkn":${TOKEN},"x":1}`, [13, '']],
    ['{"x":1}', NO_SESSION],
    ['{"tkn":"x"}', NO_SESSION],
  ],
  SH_INFO_ALL: [['{}', 'ok']],
  SH_SAVE: [
    ['{"name":"blocked_users"}', 'ok'],
    [`{"name":"n","tkns":[123456,654321,${TOKEN},"42"]}`, 'ok'],
    ['{}', MISSING],
    ['{"name":5}', TYPE],
    ['{"name":"n","tkns":5}', TYPE],
    ['{"name":"n","tkns":[]}', [42, "'tkns' empty"]],
    ['{"name":"n","tkns":[1,"x"]}', [41, "'tkns' contains invalid token"]],
    ['{"name":"n","tkns":[-1]}', [41, "'tkns' contains invalid token"]],
  ],
  SH_LOAD: [
    ['{"name":"dump1"}', 'ok'],
    ['{}', MISSING],
    ['{"name":[]}', TYPE],
  ],
  SH_SET: [
    [`{"tkn":${TOKEN},"keys":{"forename":"Billy","surname":"Bob"}}`, 'ok'],
    [`{"tkn":${TOKEN},"keys":{}}`, 'ok'],
    [`{"tkn":${TOKEN}}`, MISSING],
    [`{"tkn":${TOKEN},"keys":[]}`, TYPE],
    ['{"keys":{"a":1}}', NO_SESSION],
    // own parameters before the token
    ['{"tkn":"bad"}', MISSING],
    ['{"tkn":"bad","keys":5}', TYPE],
  ],
  SH_ADD: [
    [`{"tkn":${TOKEN},"keys":{"a":1}}`, 'ok'],
    [`{"tkn":${TOKEN},"keys":"a"}`, TYPE],
    ['{"tkn":true,"keys":{}}', NO_SESSION],
  ],
  SH_GET: [
    [`{"tkn":${TOKEN},"keys":["forename","nope",5]}`, 'ok'],
    [`{"tkn":"${TOKEN}","keys":["forename"]}`, 'ok'],
    [`{"tkn":${TOKEN}}`, MISSING],
    [`{"tkn":${TOKEN},"keys":{}}`, TYPE],
    ['{"keys":[]}', NO_SESSION],
  ],
  SH_RMV: [
    [`{"tkn":${TOKEN},"keys":["a"]}`, 'ok'],
    [`{"tkn":${TOKEN},"keys":[]}`, [42, 'keys']],
    ['{"tkn":"bad","keys":[]}', [42, 'keys']],
    ['{"tkn":"bad","keys":["a"]}', NO_SESSION],
    [`{"tkn":${TOKEN}}`, MISSING],
  ],
  SH_CLEAR: [
    [`{"tkn":${TOKEN}}`, 'ok'],
    ['{}', NO_SESSION],
  ],
  SH_COUNT: [
    [`{"tkn":${TOKEN}}`, 'ok'],
    ['{"tkn":[]}', NO_SESSION],
  ],
  SH_CONTAINS: [
    [`{"tkn":${TOKEN},"keys":["a"]}`, 'ok'],
    [`{"tkn":${TOKEN},"keys":"a"}`, TYPE],
    ['{"keys":["a"]}', NO_SESSION],
  ],
  SH_KEYS: [
    [`{"tkn":${TOKEN}}`, 'ok'],
    ['{"tkn":{}}', NO_SESSION],
  ],
  SH_CLEAR_SET: [
    [`{"tkn":${TOKEN},"keys":{"a":1}}`, 'ok'],
    [`{"tkn":${TOKEN}}`, MISSING],
    ['{"keys":{}}', NO_SESSION],
  ],
  KV_SET: [
    ['{"keys":{"username":"Bob","age":26,"cars":["BMW","Ford"]}}', 'ok'],
    ['{"keys":{}}', 'ok'],
    ['{"keys":{"a":1},"tkn":5}', 'ok'],
    ['{"key":{"a":1}}', MISSING],
    ['{"keys":[]}', TYPE],
    ['{"keys":null}', TYPE],
  ],
  KV_ADD: [
    ['{"keys":{"a":1}}', 'ok'],
    ['{}', MISSING],
    ['{"keys":"x"}', TYPE],
  ],
  KV_GET: [
    ['{"keys":["username","nope",5]}', 'ok'],
    ['{"keys":[]}', 'ok'],
    ['{}', MISSING],
    ['{"keys":{}}', TYPE],
  ],
  KV_RMV: [
    ['{"keys":["a",1]}', 'ok'],
    ['{"keys":[]}', [42, 'keys']],
    ['{}', MISSING],
    ['{"keys":"a"}', TYPE],
  ],
  KV_CLEAR: [['{}', 'ok']],
  KV_COUNT: [['{}', 'ok']],
  KV_CONTAINS: [
    ['{"keys":["user","access","nothere"]}', 'ok'],
    ['{}', MISSING],
    ['{"keys":1}', TYPE],
  ],
  KV_KEYS: [['{}', 'ok']],
  KV_CLEAR_SET: [
    ['{"keys":{"a":1}}', 'ok'],
    ['{}', MISSING],
    ['{"keys":[1]}', TYPE],
  ],
  KV_FIND: [
    [`{"rsp":"keys","path":"$[?(@.make == 'Samsung')]"}`, 'ok'],
    ['{"rsp":"paths","path":"$.a","keys":["k"]}', 'ok'],
    ['{"rsp":"kv","path":"$","keys":[]}', 'ok'],
    ['{"path":"$"}', MISSING],
    ['{"rsp":"keys"}', MISSING],
    ['{"rsp":"keys","path":5}', TYPE],
    ['{"rsp":5,"path":"$"}', TYPE],
    ['{"rsp":"keys","path":"$","keys":"k"}', TYPE],
    // order: keys, path, rsp
    ['{"keys":5}', TYPE],
    ['{"keys":[],"rsp":5}', MISSING],
    ['{"rsp":"keys","path":""}', [42, "'path' is empty"]],
    ['{"rsp":"values","path":"$"}', [13, "'rsp' invalid value"]],
  ],
  KV_UPDATE: [
    ['{"key":"user","path":"$.access[?(@.level > 2)].permit","value":false}', 'ok'],
    ['{"key":"user","path":"$","value":null}', 'ok'],
    ['{"key":"user","path":"$"}', MISSING],
    ['{"path":"$","value":1}', MISSING],
    ['{"key":1,"path":"$","value":1}', TYPE],
    ['{"key":"k","path":null,"value":1}', TYPE],
  ],
  KV_ARR_APPEND: [
    ['{"key":"profile","name":"teams","items":["Saracens"]}', 'ok'],
    ['{"key":"profile","items":[]}', 'ok'],
    ['{"key":"profile"}', MISSING],
    ['{"items":[1]}', MISSING],
    ['{"key":"p","items":{}}', TYPE],
    ['{"key":"p","items":[],"name":5}', TYPE],
  ],
  KV_SAVE: [
    ['{"name":"users"}', 'ok'],
    ['{}', MISSING],
    ['{"name":1}', TYPE],
  ],
  KV_LOAD: [
    ['{"name":"users"}', 'ok'],
    ['{}', MISSING],
    ['{"name":false}', TYPE],
  ],
};

describe('checkRequest', () => {
  it('has cases for every command', () => {
    expect(Object.keys(cases).sort()).toEqual([...COMMAND_NAMES].sort());
  });

  for (const command of COMMAND_NAMES) {
    describe(command, () => {
      it.each(cases[command])('%s', (text, expected) => {
        const result = checkRequest(command, decode(text, { exactNumbers: true }));
        if (expected === 'ok') {
          expect(result).toMatchObject({ ok: true });
        } else {
          expect(result).toEqual({ ok: false, st: expected[0], m: expected[1] });
        }
      });
    });
  }

  it('gives tokens as bigint, whatever their spelling', () => {
    const numeric = checkRequest('SH_GET', decode(`{"tkn":${TOKEN},"keys":["a"]}`, { exactNumbers: true }));
    const decimal = checkRequest('SH_GET', decode(`{"tkn":"${TOKEN}","keys":["a"]}`, { exactNumbers: true }));
    const small = checkRequest('SH_END', decode('{"tkn":42}'));
    expect(numeric).toEqual({ ok: true, body: { tkn: BigInt(TOKEN), keys: ['a'] } });
    expect(decimal).toEqual(numeric);
    expect(small).toEqual({ ok: true, body: { tkn: 42n } });
    expect(checkRequest('SH_SAVE', decode('{"name":"n","tkns":[1,"2"]}'))).toEqual({ ok: true, body: { name: 'n', tkns: [1n, 2n] } });
  });

  it('keeps user values as they are (no copy, no conversion)', () => {
    const keys = { big: 12345678901234567890n, nested: { a: [1, null] } };
    const result = checkRequest('KV_SET', { keys });
    expect(result.ok && result.body.keys).toBe(keys);
  });

  it('answers 13 for a body that is not an object', () => {
    expect(checkRequest('KV_COUNT', null)).toEqual({ ok: false, st: 13, m: '' });
    expect(checkRequest('SH_NEW', [])).toEqual({ ok: false, st: 13, m: '' });
  });
});
