import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replyFrames } from './reply-frames.js';

/** RFC 6455 §5.2, written the plain way: FIN + text, the payload's UTF-8 length, the payload. */
function reference(replies: readonly string[]): Buffer {
  return Buffer.concat(
    replies.map((reply) => {
      const payload = Buffer.from(reply, 'utf8');
      const n = payload.length;
      let header: Buffer;
      if (n < 126) header = Buffer.from([0x81, n]);
      else if (n < 65536) header = Buffer.from([0x81, 126, n >> 8, n & 0xff]);
      else {
        header = Buffer.alloc(10);
        header[0] = 0x81;
        header[1] = 127;
        header.writeBigUInt64BE(BigInt(n), 2);
      }
      return Buffer.concat([header, payload]);
    }),
  );
}

describe('replyFrames', () => {
  it('writes any batch of replies as RFC 6455 text frames, ASCII or not, at every length class', () => {
    const ascii = fc.string({ unit: 'binary-ascii', maxLength: 300 });
    const any = fc.string({
      unit: fc.constantFrom('a', '{', '"', '\u007f', '\u0080', 'é', '\u00ff', '\u0100', '€', '\ud83d', '\ude00'),
      maxLength: 200,
    });
    const long = fc.constantFrom(125, 126, 127, 255, 256, 32768, 65535, 65536, 70000).map((n) => 'x'.repeat(n));
    fc.assert(
      fc.property(fc.array(fc.oneof(ascii, ascii, any, long), { maxLength: 12 }), (replies) => {
        expect(replyFrames(replies, []).equals(reference(replies))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes a batch of more than a MiB of ASCII replies as well (by bytes)', () => {
    const replies = Array.from({ length: 40 }, (_, i) => `{"KV_GET_RSP":{"keys":{"k":"${String(i % 10).repeat(60_000)}"},"st":1}}`);
    expect(replyFrames(replies, []).equals(reference(replies))).toBe(true);
  });

  it('keeps a non-ASCII reply exact beside ASCII ones (the batch is written in UTF-8)', () => {
    const replies = ['{"SH_SET_RSP":{"st":1}}', '{"SH_GET_RSP":{"keys":{"name":"Zoë ☃"},"st":1}}', 'y'.repeat(200)];
    const frames = replyFrames(replies, []);
    expect(frames.equals(reference(replies))).toBe(true);
    // The second frame: after the first (2-byte header + 23 bytes) and its own 2-byte header.
    const second = 2 + replies[0]!.length + 2;
    expect(frames.toString('utf8', second, second + Buffer.byteLength(replies[1]!))).toBe(replies[1]);
  });
});
