// The fast receive path against ws's own parser, without sockets, in both directions: whatever mix
// of frames arrives, cut anywhere, the messages (and the protocol error, if any) are those of ws's
// Receiver alone, in the same order. The server and the SDK test it over real sockets as well
// (packages/server and packages/client, fast-receiver.test.ts).
import fc from 'fast-check';
import { TEST_MASK, wsFrame, wsReceiver, type FrameSender } from '@nemesisdb/test-utils';
import { describe, expect, it } from 'vitest';
import { installFastReceiver } from './ws-fast-receiver.js';

const MAX_PAYLOAD = 2048;

interface Outcome {
  messages: { text: string; binary: boolean }[];
  /** ws's error code (e.g. WS_ERR_INVALID_UTF8), if the stream broke the protocol. */
  error: string | null;
  /** Messages the fast path delivered (0 without it). */
  fast: number;
}

/**
 * What a ws Receiver reading `from`'s frames delivers from `bytes` cut at `cuts`, with or without
 * the fast path. As a WebSocket does, nothing more is written to it after an error (which the
 * receiver reports on the next tick).
 */
async function receive(from: FrameSender, bytes: Buffer, cuts: number[], fast: boolean): Promise<Outcome> {
  const receiver = wsReceiver({ isServer: from === 'client', maxPayload: MAX_PAYLOAD });
  const socket = { readyState: 1, OPEN: 1, _receiver: receiver };
  const outcome: Outcome = { messages: [], error: null, fast: 0 };
  receiver.on('message', (data: Buffer, isBinary: boolean) =>
    outcome.messages.push({ text: isBinary ? data.toString('hex') : data.toString(), binary: isBinary }),
  );
  receiver.on('error', (error: Error & { code?: string }) => {
    outcome.error = error.code ?? error.message;
    socket.readyState = 2;
  });
  if (fast) {
    const installed = installFastReceiver(socket, {
      from,
      maxPayload: MAX_PAYLOAD,
      onText: (text) => {
        outcome.fast++;
        outcome.messages.push({ text, binary: false });
      },
    });
    expect(installed).toBe(true);
  }
  let last = 0;
  for (const cut of [...new Set([...cuts.map((c) => Math.min(c, bytes.length)), bytes.length])].sort((a, b) => a - b)) {
    if (cut <= last) continue;
    if ((receiver as unknown as { _errored: boolean })._errored) break;
    // A copy per read, as a socket hands over: the fast path unmasks in place.
    receiver.write(Buffer.from(bytes.subarray(last, cut)));
    last = cut;
  }
  await new Promise((resolve) => setImmediate(resolve));
  return outcome;
}

function frames(from: FrameSender): fc.Arbitrary<Buffer[]> {
  const one: fc.Arbitrary<Buffer[]> = fc.oneof(
    fc.string({ maxLength: 200 }).map((text) => [wsFrame(from, 0x1, text)]),
    fc.string({ unit: 'grapheme', maxLength: 60 }).map((text) => [wsFrame(from, 0x1, text)]),
    fc.string({ minLength: 126, maxLength: 1500 }).map((text) => [wsFrame(from, 0x1, text)]),
    fc.string({ maxLength: 20 }).map((text) => [wsFrame(from, 0x1, text, { long: true })]),
    fc.string({ maxLength: 20 }).map((text) => [wsFrame(from, 0x1, text, { huge: true })]),
    fc.tuple(fc.string({ minLength: 2, maxLength: 100 }), fc.boolean()).map(([text, ping]) => {
      const bytes = Buffer.from(text);
      const cut = bytes.length >> 1;
      return [
        wsFrame(from, 0x1, bytes.subarray(0, cut), { fin: false }),
        ...(ping ? [wsFrame(from, 0x9, 'p')] : []),
        wsFrame(from, 0x0, bytes.subarray(cut)),
      ];
    }),
    fc.uint8Array({ maxLength: 100 }).map((bytes) => [wsFrame(from, 0x2, Buffer.from(bytes))]),
    fc.constant<Buffer[]>([wsFrame(from, 0x9, 'ping')]),
    fc.constant<Buffer[]>([wsFrame(from, 0xa, 'pong')]),
  );
  return fc.array(one, { minLength: 1, maxLength: 25 }).map((list) => list.flat());
}

/** Frames that break the protocol, each ending the stream where ws ends it. */
function badFrames(from: FrameSender): [string, Buffer][] {
  return [
    ['invalid UTF-8', wsFrame(from, 0x1, Buffer.from([0x7b, 0xc3, 0x28, 0x7d]))],
    // Masked again by the fast path before ws reads it: left unmasked, ws would read "AB".
    ['invalid UTF-8 that masking twice would make valid', wsFrame(from, 0x1, Buffer.from([TEST_MASK[0]! ^ 0x41, TEST_MASK[1]! ^ 0x42]))],
    ['invalid UTF-8 after 300 ASCII bytes', wsFrame(from, 0x1, Buffer.concat([Buffer.alloc(300, 0x41), Buffer.from([0xed, 0xa0, 0x80])]))],
    ['a frame masked the wrong way', wsFrame(from, 0x1, '{}', { wrongMask: true })],
    ['RSV1 set', wsFrame(from, 0x1, '{}', { rsv: 0x40 })],
    ['an unknown opcode', wsFrame(from, 0x3, 'x')],
    ['a continuation with no message to continue', wsFrame(from, 0x0, 'x')],
    ['a frame over maxPayload', wsFrame(from, 0x1, Buffer.alloc(MAX_PAYLOAD + 1, 0x20))],
    ['a text frame inside a fragmented message', Buffer.concat([wsFrame(from, 0x1, 'a', { fin: false }), wsFrame(from, 0x1, 'b')])],
  ];
}

describe.each(['client', 'server'] as const)('fast receive path, reading frames from a %s', (from) => {
  it('takes plain text frames (7- and 16-bit lengths, any Unicode) itself', async () => {
    const texts = ['{"a":1}', 'é€𝄞', 'x'.repeat(MAX_PAYLOAD)];
    const outcome = await receive(from, Buffer.concat(texts.map((text) => wsFrame(from, 0x1, text))), [], true);
    expect(outcome).toEqual({ messages: texts.map((text) => ({ text, binary: false })), error: null, fast: 3 });
  });

  it('delivers any mix of frames, cut anywhere, as ws alone does', async () => {
    await fc.assert(
      fc.asyncProperty(frames(from), fc.array(fc.nat({ max: 20_000 }), { maxLength: 8 }), async (list, cuts) => {
        const bytes = Buffer.concat(list);
        const alone = await receive(from, bytes, cuts, false);
        const withFast = await receive(from, bytes, cuts, true);
        expect(withFast.messages).toEqual(alone.messages);
        expect(withFast.error).toBe(alone.error);
        expect(alone.error).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it.each(badFrames(from))('stops at %s after good frames, as ws does, and delivers nothing after it', async (_name, bad) => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: 2_500 }), { maxLength: 4 }), async (cuts) => {
        const bytes = Buffer.concat([wsFrame(from, 0x1, 'one'), wsFrame(from, 0x1, 'two'), bad, wsFrame(from, 0x1, 'after')]);
        const alone = await receive(from, bytes, cuts, false);
        const withFast = await receive(from, bytes, cuts, true);
        expect(alone.error).not.toBeNull();
        expect(withFast).toEqual({ ...alone, fast: withFast.fast });
        expect(withFast.messages.map((m) => m.text)).toEqual(['one', 'two']);
      }),
      { numRuns: 30 },
    );
  });

  it('leaves ws’s receiver alone when it does not look like ws 8’s', () => {
    const socket = { readyState: 1, OPEN: 1, _receiver: { write: () => true } };
    expect(installFastReceiver(socket, { from, onText: () => {} })).toBe(false);
    expect(installFastReceiver({ readyState: 1, OPEN: 1 }, { from, onText: () => {} })).toBe(false);
  });
});
