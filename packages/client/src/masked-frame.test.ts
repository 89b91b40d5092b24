// The SDK's own client frames, read back by ws's server-side parser: whatever the text (any UTF-16,
// lone surrogates included, at every length boundary), ws must read exactly what ws.send would
// have carried, and every frame must have a mask of its own.
import fc from 'fast-check';
import { wsReceiver } from '@nemesisdb/test-utils';
import { describe, expect, it } from 'vitest';
import { MAX_MASKED_FRAME_BYTES, maskedTextFrame } from './masked-frame.js';

/** What ws's server-side receiver reads from `frames`: messages, or the error that ended it. */
function wsReads(frames: Buffer[]): { messages: { text: string; binary: boolean }[]; error?: Error } {
  const receiver = wsReceiver({ isServer: true, maxPayload: 0 });
  const messages: { text: string; binary: boolean }[] = [];
  let error: Error | undefined;
  receiver.on('message', (data: Buffer, isBinary: boolean) => messages.push({ text: data.toString(), binary: isBinary }));
  receiver.on('error', (e: Error) => (error = e));
  for (const frame of frames) receiver.write(frame);
  return error === undefined ? { messages } : { messages, error };
}

function frameOf(text: string): Buffer {
  const frame = maskedTextFrame(text);
  if (frame === undefined) throw new Error(`no frame for a text of ${text.length} units`);
  return frame;
}

/** The payload length the frame declares, and where its payload starts. */
function declared(frame: Buffer): { length: number; start: number } {
  const short = frame[1]! & 0x7f;
  return short === 126 ? { length: frame.readUInt16BE(2), start: 8 } : { length: short, start: 6 };
}

describe('maskedTextFrame', () => {
  it('is read by ws as the text ws.send would carry, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 300 }), // lone surrogates included: both write U+FFFD
          fc.string({ unit: 'grapheme', maxLength: 100 }),
          fc.string({ minLength: 100, maxLength: 2000 }),
        ),
        (text) => {
          const frame = frameOf(text);
          expect(frame[0]).toBe(0x81); // FIN, text
          expect(frame[1]! & 0x80).toBe(0x80); // masked
          const { length, start } = declared(frame);
          expect(length).toBe(Buffer.byteLength(text));
          expect(frame.length).toBe(start + length);
          expect(wsReads([frame])).toEqual({ messages: [{ text: Buffer.from(text).toString(), binary: false }] });
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each([0, 1, 124, 125, 126, 127, 1000, 65_534, 65_535])('frames a payload of %i bytes', (bytes) => {
    // ASCII, and the same length in three-byte characters where it divides.
    const texts = ['a'.repeat(bytes), ...(bytes % 3 === 0 ? ['€'.repeat(bytes / 3)] : [])];
    for (const text of texts) {
      const frame = frameOf(text);
      expect(declared(frame).length).toBe(bytes);
      expect(wsReads([frame]).messages[0]!.text).toBe(text);
    }
  });

  it('leaves payloads over a 16-bit length to the caller', () => {
    expect(maskedTextFrame('a'.repeat(MAX_MASKED_FRAME_BYTES + 1))).toBeUndefined();
    expect(maskedTextFrame('€'.repeat(MAX_MASKED_FRAME_BYTES / 3 + 1))).toBeUndefined();
    expect(maskedTextFrame(`${'a'.repeat(MAX_MASKED_FRAME_BYTES - 3)}𝄞`)).toBeUndefined(); // 4 bytes in 2 units
    expect(maskedTextFrame(`${'a'.repeat(MAX_MASKED_FRAME_BYTES - 4)}𝄞`)).toBeDefined();
  });

  it('masks each frame with a key of its own, frames read back to back in order', () => {
    const texts = Array.from({ length: 600 }, (_, i) => `{"SH_GET":{"tkn":${i},"keys":["a"]}}`);
    const frames = texts.map(frameOf);
    const keys = new Set(frames.map((frame) => frame.readUInt32BE(2)));
    expect(keys.size).toBeGreaterThan(590); // 600 random 32-bit keys: a repeat or two at most
    expect(frames.some((frame) => frame.subarray(6).equals(Buffer.from(texts[0]!)))).toBe(false);
    expect(wsReads([Buffer.concat(frames)]).messages.map((m) => m.text)).toEqual(texts);
  });

  it('gives every frame its own bytes: a later frame does not change an earlier one', () => {
    const first = frameOf('{"first":1}');
    const copy = Buffer.from(first);
    frameOf('{"second":"a longer text that reuses the scratch buffer"}');
    expect(first.equals(copy)).toBe(true);
  });
});
