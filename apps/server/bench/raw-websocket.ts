// A WebSocket client on a bare TCP socket, for the load bench and the live fuzzer (fuzz/): both
// build their frames by hand (pre-masked for speed, or malformed on purpose) and read the server's
// frames with no WebSocket library in between. Framing as in RFC 6455 §5.2.
import { connect, type Socket } from 'node:net';

const MASK = Buffer.from([0x12, 0x34, 0x56, 0x78]);
const EMPTY = Buffer.alloc(0);

export const Opcode = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface FrameShape {
  /** Last frame of its message (default true). */
  fin?: boolean;
  /** Reserved bits, e.g. 0x40 for RSV1 (default 0). */
  rsv?: number;
  /** Clients must mask; false builds the protocol violation (default true). */
  masked?: boolean;
}

/** One client frame carrying `payload` (which is copied, never changed). */
export function clientFrame(opcode: number, payload: Buffer | string, { fin = true, rsv = 0, masked = true }: FrameShape = {}): Buffer {
  const body = Buffer.from(payload);
  const length = body.length;
  const first = (fin ? 0x80 : 0) | rsv | opcode;
  const maskBit = masked ? 0x80 : 0;
  let header: Buffer;
  if (length < 126) header = Buffer.from([first, maskBit | length]);
  else if (length < 65536) header = Buffer.from([first, maskBit | 126, length >> 8, length & 0xff]);
  else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  if (!masked) return Buffer.concat([header, body]);
  for (let i = 0; i < length; i++) body[i]! ^= MASK[i & 3]!;
  return Buffer.concat([header, MASK, body]);
}

/** A masked text frame: one request. */
export const textFrame = (text: string): Buffer => clientFrame(Opcode.text, text);

/** Called for each server frame with where its payload lies in `data` (no copy on the hot path). */
export type OnFrame = (opcode: number, data: Buffer, start: number, end: number) => void;

/** Collects a socket's bytes and hands over every complete server frame (unmasked, as servers send them). */
export class FrameReader {
  private buffered: Buffer = EMPTY;

  constructor(private readonly onFrame: OnFrame) {}

  push(chunk: Buffer): void {
    const data = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    let at = 0;
    for (;;) {
      if (data.length - at < 2) break;
      let length = data[at + 1]! & 0x7f;
      let start = at + 2;
      if (length === 126) {
        if (data.length - at < 4) break;
        length = data.readUInt16BE(at + 2);
        start = at + 4;
      } else if (length === 127) {
        if (data.length - at < 10) break;
        length = Number(data.readBigUInt64BE(at + 2));
        start = at + 10;
      }
      if (data.length < start + length) break;
      const opcode = data[at]! & 0x0f;
      at = start + length;
      this.onFrame(opcode, data, start, at);
    }
    // Keep an incomplete last frame, copied: the chunk it came in may be reused.
    this.buffered = at === data.length ? EMPTY : Buffer.from(data.subarray(at));
  }
}

/**
 * Connects to 127.0.0.1:`port` and completes the upgrade. Resolves with the socket and any bytes
 * that arrived after the handshake response (the first frames, to be pushed to a `FrameReader`).
 * `ignoreErrors`: a hostile client's socket may be reset by the server, which is not an error.
 */
export async function openRawWebSocket(port: number, { path = '/', ignoreErrors = false } = {}): Promise<{ socket: Socket; rest: Buffer }> {
  const socket = connect(port, '127.0.0.1');
  if (ignoreErrors) socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('error', reject));
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  const rest = await new Promise<Buffer>((resolve) => {
    let seen = EMPTY;
    const onData = (chunk: Buffer) => {
      seen = Buffer.concat([seen, chunk]);
      const end = seen.indexOf('\r\n\r\n');
      if (end >= 0) {
        socket.off('data', onData);
        resolve(seen.subarray(end + 4));
      }
    };
    socket.on('data', onData);
  });
  return { socket, rest };
}
