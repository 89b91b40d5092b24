import { describe, expect, it } from 'vitest';
import { isSessionToken, toSessionToken, tokenToBigInt } from './token.js';

const MAX = '18446744073709551615';

describe('session tokens', () => {
  it('brands canonical decimal strings and bigints, exactly', () => {
    expect(toSessionToken('16351792548006066062')).toBe('16351792548006066062');
    expect(toSessionToken(16351792548006066062n)).toBe('16351792548006066062');
    expect(toSessionToken(MAX)).toBe(MAX);
    expect(toSessionToken('0')).toBe('0');
    expect(tokenToBigInt('9007199254740993')).toBe(9007199254740993n); // 2^53 + 1, not rounded
  });

  it('refuses what is not a token', () => {
    for (const bad of ['', '007', '-1', '1.0', ' 1', '12x', '18446744073709551616', '0x10']) {
      expect(() => toSessionToken(bad), bad).toThrow(TypeError);
    }
    expect(() => toSessionToken(-1n)).toThrow(TypeError);
    expect(() => toSessionToken(2n ** 64n)).toThrow(TypeError);
    // Numbers are refused: a token beyond 2^53 would already be rounded.
    expect(() => toSessionToken(12 as never)).toThrow(/not a session token: 12/);
  });

  it('recognises the canonical string form only', () => {
    expect(isSessionToken('123')).toBe(true);
    expect(isSessionToken(MAX)).toBe(true);
    expect(isSessionToken('0123')).toBe(false);
    expect(isSessionToken(123n)).toBe(false);
    expect(isSessionToken(undefined)).toBe(false);
  });

  it('survives JSON as a string', () => {
    const token = toSessionToken(MAX);
    expect(JSON.parse(JSON.stringify({ token }))).toEqual({ token: MAX });
  });
});
