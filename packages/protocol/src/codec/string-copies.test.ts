// A string value read from a text must hold its own characters, not a view into the text: a value
// kept from a data file, a request or a reply would otherwise keep the whole text in memory (V8
// makes a slice of 13 characters or more such a view; `JSON.parse` copies). Checked on the heap,
// with a text large enough (~8 MB) that keeping it cannot hide in the noise.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { decode } from './decode.js';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** Heap in use after full collections. */
function heapUsed(): number {
  // V8 keeps the last text a regular expression matched (RegExp.input): point it elsewhere first.
  /b/.exec('ab');
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

const PADDING = 'p'.repeat(8_000_000);
const MiB = 1024 * 1024;

/** The heap kept by what `read` returns, after the text it was given is gone. */
function keptBy(text: () => string, read: (text: string) => unknown): { kept: unknown; bytes: number } {
  const before = heapUsed();
  const kept = read(text());
  return { kept, bytes: heapUsed() - before };
}

describe('decode: string values hold their own characters', () => {
  // The reader optimized by V8 first, as on a server that has run a while: the copy must survive optimization.
  beforeAll(() => {
    for (let i = 0; i < 20_000; i++)
      decode(`{"SH_SET":{"tkn":16351792548006066062,"keys":{"k":"a value of ${i} characters","e":"\\n${i} an escaped value"}}}`, {
        exactNumbers: true,
      });
  });

  const long = 'user-1234@example.com';
  // Escapes between chunks of 13 characters or more (each chunk a slice of the text).
  const escaped = 'the first line of it\\nthe second line, caf\\u00e9 and more';

  /** 64-bit tokens at the start: a large text dense in them is read whole by the reader (as a sessions data file is). */
  const tokens = Array.from({ length: 100 }, (_, i) => String(16351792548006066062n + BigInt(i))).join(',');

  it.each([
    [
      'a sessions data file',
      () => `[{"tkn":16351792548006066062,"v":"${long}"},{"tokens":[${tokens}],"pad":"${PADDING}"}]`,
      { exactNumbers: true },
    ],
    [
      'a reply from the server',
      () => `{"KV_GET_RSP":{"st":1,"tokens":[${tokens}],"v":"${long}","pad":"${PADDING}"}}`,
      { fromServer: true },
    ],
    [
      'a string with escapes',
      () => `[{"tkn":16351792548006066062,"v":"${escaped}"},{"tokens":[${tokens}],"pad":"${PADDING}"}]`,
      { exactNumbers: true },
    ],
  ] as const)('%s: keeping one value does not keep the text', (_, text, options) => {
    const { kept, bytes } = keptBy(text, (t) => {
      const value = decode(t, options) as unknown;
      return Array.isArray(value) ? (value[0] as { v: string }).v : (value as { KV_GET_RSP: { v: string } }).KV_GET_RSP.v;
    });
    expect(kept).toBe(text().includes(long) ? long : 'the first line of it\nthe second line, caf\u00e9 and more');
    expect(bytes).toBeLessThan(MiB);
  });

  it('a request read as maps: a kept KV_ARR_APPEND item does not keep the request', () => {
    // Requests of up to 4 KiB with three `{` are read with the reader, which reads `items` as member names.
    const item = 'an-item-longer-than-twelve';
    const requests = Array.from(
      { length: 2_000 },
      (_, i) => `{"KV_ARR_APPEND":{"key":"k${i}","items":["${item}"],"pad":{"p":"${'p'.repeat(4_000)}"}}}`,
    );
    const { kept, bytes } = keptBy(
      () => requests.splice(0).join('\n'),
      (all) =>
        all
          .split('\n')
          .map(
            (t) => (decode(t, { exactNumbers: true, requestMaps: true }) as { KV_ARR_APPEND: { items: string[] } }).KV_ARR_APPEND.items[0],
          ),
    );
    expect(kept).toEqual(Array.from({ length: 2_000 }, () => item));
    // Kept texts would be 2,000 × ~4 KB = 8 MB; the items alone are ~100 KB.
    expect(bytes).toBeLessThan(MiB);
  });
});
