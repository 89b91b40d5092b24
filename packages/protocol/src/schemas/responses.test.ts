import { describe, expect, it } from 'vitest';
import { decode } from '../codec/decode.js';
import { commands, type CommandName } from './commands.js';
import { errEnvelope, requestEnvelope, responseName } from './envelope.js';

/** Replies as docs/reference/protocol.md shows them, each of which its command's response schema must accept. */
const documented: [CommandName, string][] = [
  ['SV_INFO', '{"SV_INFO_RSP":{"persistEnabled":false,"serverVersion":"0.7.4","st":1}}'],
  ['SH_NEW', '{"SH_NEW_RSP":{"st":1,"tkn":16351792548006066062}}'],
  ['SH_NEW', '{"SH_NEW_RSP":{"st":103,"tkn":260071646955705531}}'],
  ['SH_NEW', '{"SH_NEW_RSP":{"m":"Param type incorrect","st":41,"tkn":null}}'],
  ['SH_NEW', '{"SH_NEW_RSP":{"name":"settings","st":1,"tkn":16351792548006066062}}'],
  ['SH_NEW', '{"SH_NEW_RSP":{"name":"settings","st":103,"tkn":16351792548006066062}}'],
  ['SH_OPEN', '{"SH_OPEN_RSP":{"st":1,"tkn":16351792548006066062}}'],
  ['SH_OPEN', '{"SH_OPEN_RSP":{"st":102,"tkn":null}}'],
  ['SH_OPEN', '{"SH_OPEN_RSP":{"m":"\'name\' empty","st":42,"tkn":null}}'],
  ['SH_END', '{"SH_END_RSP":{"st":1,"tkn":8467384731478681233}}'],
  ['SH_SET_EXPIRY', '{"SH_SET_EXPIRY_RSP":{"st":1,"tkn":8467384731478681233}}'],
  ['SH_SET_EXPIRY', '{"SH_SET_EXPIRY_RSP":{"st":100,"tkn":8467384731478681233}}'],
  ['SH_SET_EXPIRY', '{"SH_SET_EXPIRY_RSP":{"m":"Missing parameter","st":26,"tkn":null}}'],
  ['SH_END', '{"SH_END_RSP":{"st":100,"tkn":8467384731478681233}}'],
  ['SH_END', '{"SH_END_RSP":{"m":"","st":100,"tkn":null}}'],
  ['SH_END_ALL', '{"SH_END_ALL_RSP":{"cnt":10,"st":1}}'],
  ['SH_EXISTS', '{"SH_EXISTS_RSP":{"exist":[16145406615211810694],"st":1}}'],
  [
    'SH_INFO',
    '{"SH_INFO_RSP":{"expires":true,"expiry":{"deleteSession":false,"duration":10,"extendOnGet":true,"extendOnSetAdd":false,"remaining":9},"keyCnt":2,"shared":false,"st":1,"tkn":14247375118774737462}}',
  ],
  ['SH_INFO', '{"SH_INFO_RSP":{"expires":false,"keyCnt":0,"shared":false,"st":1,"tkn":5}}'],
  ['SH_INFO', '{"SH_INFO_RSP":{"keyCnt":null,"shared":null,"st":100,"tkn":5}}'],
  ['SH_INFO', '{"SH_INFO_RSP":{"m":"","st":13,"tkn":null}}'],
  ['SH_INFO_ALL', '{"SH_INFO_ALL_RSP":{"st":1,"totalKeys":20,"totalSessions":10}}'],
  ['SH_SAVE', '{"SH_SAVE_RSP":{"duration":0,"name":"blocked_users","st":121}}'],
  ['SH_SAVE', '{"SH_SAVE_RSP":{"name":"blocked_users","st":122}}'],
  ['SH_SAVE', '{"SH_SAVE_RSP":{"m":"","st":14}}'],
  ['SH_SAVE', '{"SH_SAVE_RSP":{"m":"\'tkns\' empty","st":42,"tkn":null}}'],
  ['SH_LOAD', '{"SH_LOAD_RSP":{"keys":50,"name":"dump1","sessions":10,"st":141}}'],
  ['SH_LOAD', '{"SH_LOAD_RSP":{"name":"dump1","st":142}}'],
  ['SH_SET', '{"SH_SET_RSP":{"st":1}}'],
  ['SH_GET', '{"SH_GET_RSP":{"keys":{"forename":"Billy"},"st":1}}'],
  ['SH_GET', '{"SH_GET_RSP":{"m":"","st":100,"tkn":null}}'],
  ['SH_RMV', '{"SH_RMV_RSP":{"m":"keys","st":42,"tkn":null}}'],
  ['SH_CLEAR', '{"SH_CLEAR_RSP":{"cnt":3,"st":1}}'],
  ['SH_COUNT', '{"SH_COUNT_RSP":{"cnt":3,"st":1}}'],
  ['SH_CONTAINS', '{"SH_CONTAINS_RSP":{"contains":["a"],"st":1}}'],
  ['SH_KEYS', '{"SH_KEYS_RSP":{"keys":["a","b"],"st":1}}'],
  ['SH_CLEAR_SET', '{"SH_CLEAR_SET_RSP":{"cnt":2,"st":1}}'],
  ['KV_SET', '{"KV_SET_RSP":{"st":1}}'],
  ['KV_SET', '{"KV_SET_RSP":{"m":"Missing parameter","st":26,"tkn":null}}'],
  ['KV_GET', '{"KV_GET_RSP":{"keys":{"username":"Bob"},"st":1}}'],
  ['KV_CONTAINS', '{"KV_CONTAINS_RSP":{"contains":["user","access"],"st":1}}'],
  ['KV_KEYS', '{"KV_KEYS_RSP":{"keys":["a","b"],"st":1}}'],
  ['KV_CLEAR', '{"KV_CLEAR_RSP":{"cnt":4,"st":1}}'],
  ['KV_COUNT', '{"KV_COUNT_RSP":{"cnt":4,"st":1}}'],
  ['KV_CLEAR_SET', '{"KV_CLEAR_SET_RSP":{"cnt":4,"st":1}}'],
  ['KV_FIND', '{"KV_FIND_RSP":{"keys":["Devices"],"st":1}}'],
  ['KV_FIND', '{"KV_FIND_RSP":{"paths":["$[1]"],"st":1}}'],
  ['KV_FIND', '{"KV_FIND_RSP":{"keys":{"Devices":[1,2]},"st":1}}'],
  ['KV_FIND', '{"KV_FIND_RSP":{"st":4}}'],
  ['KV_UPDATE', '{"KV_UPDATE_RSP":{"cnt":1,"st":1}}'],
  ['KV_UPDATE', '{"KV_UPDATE_RSP":{"cnt":0,"st":22}}'],
  ['KV_ARR_APPEND', '{"KV_ARR_APPEND_RSP":{"st":1}}'],
  ['KV_SAVE', '{"KV_SAVE_RSP":{"duration":50,"name":"users","st":121}}'],
  ['KV_LOAD', '{"KV_LOAD_RSP":{"duration":1,"keys":4,"name":"users","sessions":0,"st":141}}'],
  ['KV_LOAD', '{"KV_LOAD_RSP":{"name":"users","st":142}}'],
];

describe('response schemas', () => {
  it.each(documented)('%s accepts %s', (command, text) => {
    const envelope = decode(text) as Record<string, unknown>;
    const result = commands[command].response.safeParse(envelope[responseName(command)]);
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
  });

  it('gives response tokens as bigint', () => {
    const body = commands.SH_NEW.response.parse({ st: 1, tkn: 16351792548006066062n });
    expect(body).toEqual({ st: 1, tkn: 16351792548006066062n });
    expect(commands.SH_EXISTS.response.parse({ exist: [1, 2n ** 64n - 1n], st: 1 })).toEqual({ exist: [1n, 2n ** 64n - 1n], st: 1 });
  });

  it('keeps the name of a shared session in SH_NEW replies', () => {
    expect(commands.SH_NEW.response.parse({ name: 'n', st: 103, tkn: 5 })).toEqual({ name: 'n', st: 103, tkn: 5n });
  });

  it.each([
    ['SH_OPEN', { st: 102, tkn: 5 }],
    ['SH_OPEN', { st: 1, tkn: null }],
    ['SH_NEW', { st: 1, tkn: '123' }],
    ['SH_NEW', { st: 1 }],
    ['SH_LOAD', { keys: 1, name: 'n', sessions: 1, st: 141, duration: 3 }],
    ['SH_INFO', { expires: true, keyCnt: 0, shared: false, st: 1, tkn: 1 }],
    ['KV_COUNT', { cnt: -1, st: 1 }],
    ['SV_INFO', { st: 1 }],
  ] as const)('%s rejects %j', (command, body) => {
    expect(commands[command].response.safeParse(body).success).toBe(false);
  });
});

describe('envelopes', () => {
  it('a request has exactly one member', () => {
    expect(requestEnvelope.safeParse({ SH_NEW: {} }).success).toBe(true);
    expect(requestEnvelope.safeParse({}).success).toBe(false);
    expect(requestEnvelope.safeParse({ SH_NEW: {}, KV_GET: {} }).success).toBe(false);
    expect(requestEnvelope.safeParse([]).success).toBe(false);
  });

  it('ERR carries m and st', () => {
    expect(errEnvelope.parse(decode('{"ERR":{"m":"","st":3}}'))).toEqual({ ERR: { m: '', st: 3 } });
    expect(errEnvelope.safeParse({ ERR: { st: 3 } }).success).toBe(false);
  });

  it('names responses CMD_RSP', () => {
    expect(responseName('SH_NEW')).toBe('SH_NEW_RSP');
  });
});
