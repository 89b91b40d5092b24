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

export interface FrameShape {
  /** Last frame of its message (default true). */
  fin?: boolean;
  /** Reserved bits, e.g. 0x40 for RSV1 (default 0). */
  rsv?: number;
  /** Clients must mask; false builds the protocol violation (default true). */
  masked?: boolean;
  /** A 16-bit length even for a short payload (default false). */
  long?: boolean;
}

/** A client frame header (RFC 6455 §5.2) for `length` payload bytes, masked unless told. */
export function frameHeader(length: number, opcode = 0x1, { fin = true, rsv = 0, masked = true, long = false }: FrameShape = {}): Buffer {
  const first = (fin ? 0x80 : 0) | rsv | opcode;
  const maskBit = masked ? 0x80 : 0;
  const mask = masked ? MASK : [];
  if (length < 126 && !long) return Buffer.from([first, maskBit | length, ...mask]);
  if (length < 65536) return Buffer.from([first, maskBit | 126, length >> 8, length & 0xff, ...mask]);
  const header = Buffer.alloc(10);
  header[0] = first;
  header[1] = maskBit | 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  return Buffer.concat([header, Buffer.from(mask)]);
}

/** A complete client frame, its payload copied and masked unless `masked: false`. */
export function clientFrame(opcode: number, payload: Buffer | string, shape: FrameShape = {}): Buffer {
  const bytes = Buffer.from(payload);
  if (shape.masked !== false) for (let i = 0; i < bytes.length; i++) bytes[i]! ^= MASK[i & 3]!;
  return Buffer.concat([frameHeader(bytes.length, opcode, shape), bytes]);
}

/** A complete masked text frame. */
export function maskedFrame(payload: Buffer | string): Buffer {
  return clientFrame(0x1, payload);
}
