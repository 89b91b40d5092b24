// A raw WebSocket client for tests that must misbehave: it does the handshake and then sends and
// reads only what the test says (no pongs, no reading unless asked, frames built by hand).
import { connect, type Socket } from 'node:net';

const MASK = [1, 2, 3, 4];

/** A TCP socket that has done the WebSocket handshake; kept in `track` for cleanup. */
export async function rawClient(port: number, track: Socket[]): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  track.push(socket);
  socket.on('error', () => {});
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(
    'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  await new Promise<void>((resolve) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (seen.includes('\r\n\r\n')) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
  });
  return socket;
}

/** A masked client frame header (RFC 6455 §5.2) for `length` payload bytes. */
export function frameHeader(length: number, opcode = 0x1): Buffer {
  if (length < 126) return Buffer.from([0x80 | opcode, 0x80 | length, ...MASK]);
  if (length < 65536) return Buffer.from([0x80 | opcode, 0x80 | 126, length >> 8, length & 0xff, ...MASK]);
  const header = Buffer.alloc(14);
  header[0] = 0x80 | opcode;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  header.set(MASK, 10);
  return header;
}

/** A complete masked text frame. */
export function maskedFrame(payload: Buffer | string): Buffer {
  const bytes = Buffer.from(payload);
  for (let i = 0; i < bytes.length; i++) bytes[i]! ^= MASK[i & 3]!;
  return Buffer.concat([frameHeader(bytes.length), bytes]);
}
