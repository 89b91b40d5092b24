import { describe, expect, it } from 'vitest';
import { STATUS_MEANINGS, Status, isSuccess, statusName } from './status.js';

describe('Status', () => {
  it('has the numbers of docs/reference/protocol.md §5', () => {
    expect(Status).toEqual({
      Ok: 1,
      OpCodeInvalid: 2,
      JsonInvalid: 3,
      PathInvalid: 4,
      NoPath: 5,
      CommandNotExist: 10,
      CommandMultiple: 11,
      CommandType: 12,
      CommandSyntax: 13,
      CommandDisabled: 14,
      KeyNotExist: 22,
      ParamMissing: 26,
      ValueMissing: 40,
      ValueTypeInvalid: 41,
      ValueSize: 42,
      SessionNotExist: 100,
      SessionTokenInvalid: 101,
      SessionOpenFail: 102,
      SessionNewFail: 103,
      SaveStart: 120,
      SaveComplete: 121,
      SaveDirWriteFail: 122,
      SaveError: 123,
      Loading: 140,
      LoadComplete: 141,
      LoadError: 142,
      Unknown: 1000,
    });
  });

  it('names every number once, and nothing else', () => {
    for (const [name, code] of Object.entries(Status)) expect(statusName(code)).toBe(name);
    for (const removed of [20, 21, 23, 24, 27, 143, 0, 999]) expect(statusName(removed)).toBeUndefined();
    expect(Object.keys(STATUS_MEANINGS).sort()).toEqual(Object.keys(Status).sort());
  });

  it('treats 1 as success, except 121 for SAVE and 141 for LOAD', () => {
    expect(isSuccess('SH_NEW', 1)).toBe(true);
    expect(isSuccess('KV_GET', 22)).toBe(false);
    expect(isSuccess('SH_SAVE', 121)).toBe(true);
    expect(isSuccess('KV_SAVE', 1)).toBe(false);
    expect(isSuccess('KV_LOAD', 141)).toBe(true);
    expect(isSuccess('SH_LOAD', 140)).toBe(false);
  });
});
