import { describe, expect, it } from 'vitest';
import { DEFAULT_KEY_PREFIX, KeyLayout, nameArg, nameFrom } from './keys.js';

describe('KeyLayout', () => {
  it('puts both keys of a session under one hash tag, and KV keys under none', () => {
    const layout = new KeyLayout('app:');
    expect(layout.sessionMeta(18446744073709551615n)).toBe('app:{s:18446744073709551615}:meta');
    expect(layout.sessionData(7n)).toBe('app:{s:7}:data');
    expect(layout.kvKey('user')).toBe('app:kv:user');
    expect(new KeyLayout().prefix).toBe(DEFAULT_KEY_PREFIX);
  });

  it('reads tokens back from meta keys and ignores anything else', () => {
    const layout = new KeyLayout('app:');
    expect(layout.tokenOfMeta(Buffer.from('app:{s:123}:meta'))).toBe(123n);
    expect(layout.tokenOfMeta('app:{s:123}:data')).toBeUndefined();
    expect(layout.tokenOfMeta('other:{s:123}:meta')).toBeUndefined();
    expect(layout.tokenOfMeta('app:{s:12x}:meta')).toBeUndefined();
  });

  it('refuses a prefix with braces (it would become every key’s hash tag)', () => {
    expect(() => new KeyLayout('a{b}:')).toThrow(RangeError);
  });

  it('escapes glob characters of the prefix in SCAN patterns', () => {
    const layout = new KeyLayout('a*[x]?\\:');
    expect(layout.kvPattern).toBe('a\\*\\[x\\]\\?\\\\:kv:*');
    expect(layout.sessionMetaPattern).toBe('a\\*\\[x\\]\\?\\\\:{s:*}:meta');
  });

  it('round-trips KV names found by SCAN, lone surrogates included', () => {
    const layout = new KeyLayout('p:');
    for (const name of ['plain', '', 'é\u0000', '{tag}', '\ud800', 'a\udc00b', '😀', '\uffff', '\uffff"x"']) {
      expect(layout.kvNameOf(Buffer.from(layout.kvKey(name), 'utf8'))).toBe(name);
    }
  });
});

describe('names', () => {
  it('sends well-formed names as they are and others escaped, always as well-formed text, never colliding', () => {
    const roundTrip = (name: string) => nameFrom(Buffer.from(nameArg(name), 'utf8'));
    expect(nameArg('abc')).toBe('abc');
    expect(nameArg('\ud800')).toBe('\uffff"\\ud800"');
    expect(Buffer.from(nameArg('\ud800'), 'utf8').toString('utf8')).toBe(nameArg('\ud800')); // survives UTF-8
    // Distinct names stay distinct in Redis, including the replacement character and the mark itself.
    const names = ['\ud800', '\udc00', '\ufffd', '\uffff', '\uffff"\\ud800"', 'a\ud800b'];
    expect(new Set(names.map(nameArg)).size).toBe(names.length);
    for (const name of names) expect(roundTrip(name)).toBe(name);
  });
});
