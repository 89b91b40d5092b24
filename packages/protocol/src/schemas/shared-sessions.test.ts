import { describe, expect, it } from 'vitest';
import { decode } from '../codec/decode.js';
import { EMPTY_NAME, sharedSessionName } from './sh.js';

// Shared sessions (extension): which SH_NEW bodies ask for one, and what a bad name is answered.
describe('sharedSessionName', () => {
  it.each([
    ['{}', undefined],
    ['{"name":"settings"}', undefined],
    // only `true` asks for a shared session; other values are ignored, as v0.7.4 ignores `shared`
    ['{"name":"settings","shared":false}', undefined],
    ['{"name":"settings","shared":1}', undefined],
    ['{"name":"settings","shared":"true"}', undefined],
    ['{"name":5}', undefined],
    ['{"name":"settings","shared":true}', 'settings'],
    ['{"name":"é \\u0000 \\ud800","shared":true}', 'é \u0000 \ud800'],
    ['{"shared":true}', { st: 26, m: 'Missing parameter' }],
    ['{"name":null,"shared":true}', { st: 41, m: 'Param type incorrect' }],
    ['{"name":["a"],"shared":true}', { st: 41, m: 'Param type incorrect' }],
    ['{"name":"","shared":true}', { st: 42, m: EMPTY_NAME }],
  ])('%s → %j', (text, expected) => {
    expect(sharedSessionName(decode(text) as object)).toEqual(expected);
  });
});
