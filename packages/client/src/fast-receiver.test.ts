// The fast receive path as the SDK installs it on ws's client, over a real socket from a
// hand-written server: replies reach the listener in order, frames cut across reads are completed,
// and a frame that breaks the protocol ends the connection with ws's close code. Any mix of frames
// cut anywhere is checked against ws alone in @nemesisdb/protocol (ws-fast-receiver.test.ts).
import { createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { installFastReceiver } from '@nemesisdb/protocol/ws-fast-receiver';
import { collectFrames, until, writeByteByByte, writeInPieces, wsFrame } from '@nemesisdb/test-utils';

interface Received {
  /** Messages in arrival order, and which parser delivered each. */
  messages: { text: string; binary: boolean; via: 'fast' | 'ws' }[];
  closeCode: number | null;
}

const servers: Server[] = [];
const clients: WebSocket[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/**
 * A hand-written WebSocket server (it sends only what the test says) and a ws client on it with
 * the fast path installed at open, as the SDK does.
 */
async function connect(): Promise<{
  socket: Socket;
  fromClient: { opcode: number; payload: Buffer }[];
  received: Received;
  installed: boolean;
}> {
  let accept!: (socket: Socket) => void;
  const accepted = new Promise<Socket>((resolve) => (accept = resolve));
  const server = createServer((socket) => {
    socket.on('error', () => {});
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (!seen.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      const key = /sec-websocket-key: *(\S+)/i.exec(seen)![1]!;
      const answer = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${answer}\r\n\r\n`,
      );
      accept(socket);
    };
    socket.on('data', onData);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const received: Received = { messages: [], closeCode: null };
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, { perMessageDeflate: false });
  clients.push(client);
  client.on('error', () => {});
  client.on('message', (data: Buffer, isBinary: boolean) =>
    received.messages.push({ text: isBinary ? data.toString('hex') : data.toString(), binary: isBinary, via: 'ws' }),
  );
  client.on('close', (code) => (received.closeCode = code));
  const installed = await new Promise<boolean>((resolve) =>
    client.once('open', () =>
      resolve(
        installFastReceiver(client, { from: 'server', onText: (text) => received.messages.push({ text, binary: false, via: 'fast' }) }),
      ),
    ),
  );
  const socket = await accepted;
  return { socket, fromClient: collectFrames(socket), received, installed };
}

describe('client fast receive path', () => {
  it('is installed on the ws version in use (a ws upgrade that moves its internals must be noticed)', async () => {
    const { socket, received, installed } = await connect();
    expect(installed).toBe(true);
    socket.write(Buffer.concat([wsFrame('server', 0x1, '{"a":1}'), wsFrame('server', 0x1, 'é€𝄞')]));
    await until(() => received.messages.length === 2);
    expect(received.messages).toEqual([
      { text: '{"a":1}', binary: false, via: 'fast' },
      { text: 'é€𝄞', binary: false, via: 'fast' },
    ]);
  });

  it.each([
    ['invalid UTF-8', wsFrame('server', 0x1, Buffer.from([0x7b, 0xc3, 0x28, 0x7d])), 1007],
    [
      'invalid UTF-8 in a 16-bit-length frame',
      wsFrame('server', 0x1, Buffer.concat([Buffer.alloc(300, 0x41), Buffer.from([0xed, 0xa0, 0x80])])),
      1007,
    ],
    ['a masked frame', wsFrame('server', 0x1, '{}', { wrongMask: true }), 1002],
    ['RSV1 set', wsFrame('server', 0x1, '{}', { rsv: 0x40 }), 1002],
    ['an unknown opcode', wsFrame('server', 0x3, 'x'), 1002],
    ['a continuation with no message to continue', wsFrame('server', 0x0, 'x'), 1002],
    [
      'a text frame inside a fragmented message',
      Buffer.concat([wsFrame('server', 0x1, 'a', { fin: false }), wsFrame('server', 0x1, 'b')]),
      1002,
    ],
    ['a close frame', wsFrame('server', 0x8, Buffer.from([0x03, 0xe8])), 1000],
  ])('after good frames in the same read, %s ends the connection as ws does', async (_name, bad, code) => {
    const { socket, fromClient, received } = await connect();
    // Anything after the bad frame must not be delivered.
    socket.write(Buffer.concat([wsFrame('server', 0x1, 'one'), wsFrame('server', 0x1, 'two'), bad, wsFrame('server', 0x1, 'after')]));
    await until(() => fromClient.some((f) => f.opcode === 0x8));
    expect(received.messages.map((m) => m.text)).toEqual(['one', 'two']);
    expect(fromClient.find((f) => f.opcode === 0x8)!.payload.readUInt16BE(0)).toBe(code);
  });

  it('takes a frame of 65,535 bytes, and leaves a longer one (a 64-bit length) to ws', async () => {
    const { socket, received } = await connect();
    const longest = 'x'.repeat(0xffff);
    socket.write(Buffer.concat([wsFrame('server', 0x1, longest), wsFrame('server', 0x1, `${longest}y`)]));
    await until(() => received.messages.length === 2);
    expect(received.messages).toEqual([
      { text: longest, binary: false, via: 'fast' },
      { text: `${longest}y`, binary: false, via: 'ws' },
    ]);
  });

  it('completes a frame cut by the end of a read; one cut again is left to ws, then the fast path takes over again', async () => {
    const { socket, received } = await connect();
    await writeInPieces(socket, wsFrame('server', 0x1, 'cut once'), [5]);
    await until(() => received.messages.length === 1);
    await writeInPieces(socket, wsFrame('server', 0x1, 'cut twice, so ws buffers it'), [1, 12]);
    await until(() => received.messages.length === 2);
    socket.write(wsFrame('server', 0x1, 'next'));
    await until(() => received.messages.length === 3);
    expect(received.messages).toEqual([
      { text: 'cut once', binary: false, via: 'fast' },
      { text: 'cut twice, so ws buffers it', binary: false, via: 'ws' },
      { text: 'next', binary: false, via: 'fast' },
    ]);
  });

  it('reads a frame sent one byte at a time', async () => {
    const { socket, received } = await connect();
    const value = `{"KV_GET_RSP":{"keys":{"k":"${'€'.repeat(100)}"}}}`;
    const bytes = wsFrame('server', 0x1, value);
    await writeByteByByte(socket, bytes);
    await until(() => received.messages.length === 1);
    expect(received.messages[0]!.text).toBe(value);
  });
});
