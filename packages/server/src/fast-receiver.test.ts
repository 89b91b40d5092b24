// The fast receive path against ws's own parser: whatever mix of frames arrives, cut anywhere,
// every message reaches the listener once, in order, with ws's result; and every frame the fast
// path must not take (control, fragments, binary, limits, protocol errors) ends as ws ends it.
import type { AddressInfo, Socket } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { installFastReceiver } from '@nemesisdb/protocol/ws-fast-receiver';
import { collectFrames, until, writeByteByByte, writeInPieces } from '@nemesisdb/test-utils';
import { clientFrame, rawClient as rawClientOf } from './raw-client.test-util.js';

interface Received {
  /** Messages in arrival order, and which parser delivered each. */
  messages: { text: string; binary: boolean; via: 'fast' | 'ws' }[];
  pongs: number;
  closeCode: number | null;
}

const servers: WebSocketServer[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((wss) => new Promise((resolve) => wss.close(resolve))));
});

/** A ws server whose connections use the fast path; returns its port and what it received. */
async function serve(maxPayload: number): Promise<{ port: number; received: Received; installed: Promise<boolean> }> {
  const received: Received = { messages: [], pongs: 0, closeCode: null };
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', maxPayload, perMessageDeflate: false });
  servers.push(wss);
  let resolveInstalled!: (value: boolean) => void;
  const installed = new Promise<boolean>((resolve) => (resolveInstalled = resolve));
  wss.on('connection', (ws: WebSocket) => {
    resolveInstalled(
      installFastReceiver(ws, {
        from: 'client',
        maxPayload,
        onText: (text) => received.messages.push({ text, binary: false, via: 'fast' }),
      }),
    );
    ws.on('message', (data: Buffer, isBinary: boolean) =>
      received.messages.push({ text: isBinary ? data.toString('hex') : data.toString(), binary: isBinary, via: 'ws' }),
    );
    ws.on('close', (code) => (received.closeCode = code));
    ws.on('error', () => {});
  });
  await new Promise((resolve) => wss.once('listening', resolve));
  return { port: (wss.address() as AddressInfo).port, received, installed };
}

/** A raw client after the handshake, collecting the server's frames. */
async function rawClient(port: number) {
  const socket = await rawClientOf(port, sockets);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, frames: collectFrames(socket), closed };
}

/** One message of a generated stream, with the frames that carry it and what must arrive. */
interface Message {
  frames: Buffer[];
  expect: { text: string; binary: boolean } | null;
}

const MAX_PAYLOAD = 2048;

const messageArbitrary: fc.Arbitrary<Message> = fc.oneof(
  // Plain text: ASCII, any Unicode (multi-byte UTF-8), 7-bit and 16-bit lengths, empty.
  fc.string({ maxLength: 200 }).map((text) => ({ frames: [clientFrame(0x1, Buffer.from(text))], expect: { text, binary: false } })),
  fc
    .string({ unit: 'grapheme', maxLength: 60 })
    .map((text) => ({ frames: [clientFrame(0x1, Buffer.from(text))], expect: { text, binary: false } })),
  fc
    .string({ minLength: 126, maxLength: 1500 })
    .map((text) => ({ frames: [clientFrame(0x1, Buffer.from(text))], expect: { text, binary: false } })),
  fc
    .string({ maxLength: 20 })
    .map((text) => ({ frames: [clientFrame(0x1, Buffer.from(text), { long: true })], expect: { text, binary: false } })),
  // Fragmented text (ws reassembles it), with a ping between the fragments.
  fc.tuple(fc.string({ minLength: 2, maxLength: 100 }), fc.boolean()).map(([text, ping]) => {
    const bytes = Buffer.from(text);
    const cut = bytes.length >> 1;
    const frames = [clientFrame(0x1, bytes.subarray(0, cut), { fin: false })];
    if (ping) frames.push(clientFrame(0x9, Buffer.from('p')));
    frames.push(clientFrame(0x0, bytes.subarray(cut)));
    return { frames, expect: { text, binary: false } };
  }),
  fc.uint8Array({ maxLength: 100 }).map((bytes) => ({
    frames: [clientFrame(0x2, Buffer.from(bytes))],
    expect: { text: Buffer.from(bytes).toString('hex'), binary: true },
  })),
  fc.constant<Message>({ frames: [clientFrame(0x9, Buffer.from('ping'))], expect: null }),
  fc.constant<Message>({ frames: [clientFrame(0xa, Buffer.from('unsolicited pong'))], expect: null }),
);

describe('fast receive path', () => {
  it('is installed on the ws version in use (a ws upgrade that moves its internals must be noticed)', async () => {
    const { port, received, installed } = await serve(MAX_PAYLOAD);
    const client = await rawClient(port);
    expect(await installed).toBe(true);
    client.socket.write(Buffer.concat([clientFrame(0x1, Buffer.from('{"a":1}')), clientFrame(0x1, Buffer.from('é€𝄞'))]));
    await until(() => received.messages.length === 2);
    expect(received.messages).toEqual([
      { text: '{"a":1}', binary: false, via: 'fast' },
      { text: 'é€𝄞', binary: false, via: 'fast' },
    ]);
  });

  it('delivers any mix of frames, cut anywhere, once each and in order, as ws alone would', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(messageArbitrary, { minLength: 1, maxLength: 25 }),
        fc.array(fc.nat({ max: 20_000 }), { maxLength: 8 }),
        async (messages, cuts) => {
          const { port, received } = await serve(MAX_PAYLOAD);
          const client = await rawClient(port);
          const bytes = Buffer.concat(messages.flatMap((m) => m.frames));
          await writeInPieces(client.socket, bytes, cuts, 0);
          const expected = messages.flatMap((m) => (m.expect ? [m.expect] : []));
          const pings = messages.flatMap((m) => m.frames).filter((f) => (f[0]! & 0x0f) === 0x9).length;
          await until(() => received.messages.length >= expected.length && client.frames.filter((f) => f.opcode === 0xa).length >= pings);
          expect(received.messages.map(({ text, binary }) => ({ text, binary }))).toEqual(expected);
          expect(received.closeCode).toBeNull();
          client.socket.destroy();
          servers.pop()!.close();
        },
      ),
      { numRuns: 60 },
    );
  });

  it.each([
    ['invalid UTF-8 (re-masked, so ws reads the original bytes)', clientFrame(0x1, Buffer.from([0x7b, 0xc3, 0x28, 0x7d])), 1007],
    [
      'invalid UTF-8 in a 16-bit-length frame',
      clientFrame(0x1, Buffer.concat([Buffer.alloc(300, 0x41), Buffer.from([0xed, 0xa0, 0x80])])),
      1007,
    ],
    ['an unmasked frame', clientFrame(0x1, Buffer.from('{}'), { masked: false }), 1002],
    ['RSV1 set', clientFrame(0x1, Buffer.from('{}'), { rsv: 0x40 }), 1002],
    ['an unknown opcode', clientFrame(0x3, Buffer.from('x')), 1002],
    ['a continuation with no message to continue', clientFrame(0x0, Buffer.from('x')), 1002],
    ['a frame over maxPayload', clientFrame(0x1, Buffer.alloc(MAX_PAYLOAD + 1, 0x20)), 1009],
    [
      'a text frame inside a fragmented message',
      Buffer.concat([clientFrame(0x1, Buffer.from('a'), { fin: false }), clientFrame(0x1, Buffer.from('b'))]),
      1002,
    ],
    ['a close frame', clientFrame(0x8, Buffer.from([0x03, 0xe8])), 1000],
  ])('after good frames in the same read, %s ends the connection as ws does', async (_name, bad, code) => {
    const { port, received } = await serve(MAX_PAYLOAD);
    const client = await rawClient(port);
    const good = Buffer.concat([clientFrame(0x1, Buffer.from('one')), clientFrame(0x1, Buffer.from('two'))]);
    // Anything after the bad frame must not be delivered.
    client.socket.write(Buffer.concat([good, bad, clientFrame(0x1, Buffer.from('after'))]));
    await client.closed;
    await until(() => received.closeCode !== null);
    expect(received.messages.map((m) => m.text)).toEqual(['one', 'two']);
    const close = client.frames.find((f) => f.opcode === 0x8);
    expect(close?.payload.readUInt16BE(0)).toBe(code);
  });

  it('takes a frame of exactly maxPayload bytes, and leaves a larger one to ws', async () => {
    const { port, received } = await serve(MAX_PAYLOAD);
    const client = await rawClient(port);
    const text = 'x'.repeat(MAX_PAYLOAD);
    client.socket.write(clientFrame(0x1, Buffer.from(text)));
    await until(() => received.messages.length === 1);
    expect(received.messages[0]).toEqual({ text, binary: false, via: 'fast' });
  });

  it('completes a frame cut by the end of a read; one cut again is left to ws, then the fast path takes over again', async () => {
    const { port, received } = await serve(MAX_PAYLOAD);
    const client = await rawClient(port);
    await writeInPieces(client.socket, clientFrame(0x1, Buffer.from('cut once')), [5]);
    await until(() => received.messages.length === 1);
    await writeInPieces(client.socket, clientFrame(0x1, Buffer.from('cut twice, so ws buffers it')), [1, 12]);
    await until(() => received.messages.length === 2);
    client.socket.write(clientFrame(0x1, Buffer.from('next')));
    await until(() => received.messages.length === 3);
    expect(received.messages).toEqual([
      { text: 'cut once', binary: false, via: 'fast' },
      { text: 'cut twice, so ws buffers it', binary: false, via: 'ws' },
      { text: 'next', binary: false, via: 'fast' },
    ]);
  });

  it('reads a frame sent one byte at a time', async () => {
    const { port, received } = await serve(MAX_PAYLOAD);
    const client = await rawClient(port);
    const text = `{"KV_SET":{"keys":{"k":"${'€'.repeat(100)}"}}}`;
    const bytes = clientFrame(0x1, Buffer.from(text));
    await writeByteByByte(client.socket, bytes);
    await until(() => received.messages.length === 1);
    expect(received.messages[0]!.text).toBe(text);
  });
});
