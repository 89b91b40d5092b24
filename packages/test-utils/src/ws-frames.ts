import type { Socket } from 'node:net';

/** Who sends a frame: a client masks it (RFC 6455 §5.3), a server does not. */
export type FrameSender = 'client' | 'server';

export interface FrameShape {
  /** Last frame of its message (default true). */
  fin?: boolean;
  /** Reserved bits, e.g. 0x40 for RSV1 (default 0). */
  rsv?: number;
  /** Masked the other way than the sender must (a protocol violation). */
  wrongMask?: boolean;
  /** A 16-bit length even for a short payload. */
  long?: boolean;
  /** A 64-bit length whatever the payload. */
  huge?: boolean;
}

/**
 * The masking key of `wsFrame`. Two of its bytes have the high bit set, so that masking a payload
 * twice can turn invalid UTF-8 into valid text (what a parser that forgets to restore bytes does).
 */
export const TEST_MASK: readonly number[] = [0x92, 0x34, 0xd6, 0x78];

/** A complete frame (RFC 6455 §5.2) as `from` sends it, the payload copied (and masked by a client). */
export function wsFrame(from: FrameSender, opcode: number, payload: Buffer | string, shape: FrameShape = {}): Buffer {
  const bytes = Buffer.from(payload);
  const masked = (from === 'client') !== (shape.wrongMask ?? false);
  const first = (shape.fin === false ? 0 : 0x80) | (shape.rsv ?? 0) | opcode;
  const maskBit = masked ? 0x80 : 0;
  let header: Buffer;
  if (shape.huge || bytes.length > 0xffff) {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(BigInt(bytes.length), 2);
  } else if (shape.long || bytes.length > 125) {
    header = Buffer.from([first, maskBit | 126, bytes.length >> 8, bytes.length & 0xff]);
  } else {
    header = Buffer.from([first, maskBit | bytes.length]);
  }
  if (masked) for (let i = 0; i < bytes.length; i++) bytes[i]! ^= TEST_MASK[i & 3]!;
  return Buffer.concat([header, ...(masked ? [Buffer.from(TEST_MASK)] : []), bytes]);
}

/**
 * The frames arriving on `socket`, as they arrive, payloads unmasked when masked (a client's) and
 * as they are when not (a server's). 7- and 16-bit lengths: the short frames tests exchange.
 */
export function collectFrames(socket: Socket): { opcode: number; payload: Buffer }[] {
  const frames: { opcode: number; payload: Buffer }[] = [];
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 2) {
      const short = pending[1]! & 0x7f;
      const maskBytes = pending[1]! & 0x80 ? 4 : 0;
      if (short === 126 && pending.length < 4) return;
      const [at, size] = short === 126 ? [4, pending.readUInt16BE(2)] : [2, short];
      const start = at + maskBytes;
      if (pending.length < start + size) return;
      const payload = Buffer.from(pending.subarray(start, start + size));
      for (let i = 0; maskBytes > 0 && i < size; i++) payload[i]! ^= pending[at + (i & 3)]!;
      frames.push({ opcode: pending[0]! & 0x0f, payload });
      pending = pending.subarray(start + size);
    }
  });
  return frames;
}

/**
 * Writes `bytes` to `socket` cut at the offsets `cuts` (any order, repeats and offsets past the end
 * ignored), waiting between pieces: `pauseMs` for each piece to arrive in a read of its own (a frame
 * cut by the end of a read), or 0 for one turn of the event loop (pieces that may share a read).
 */
export async function writeInPieces(socket: Socket, bytes: Buffer, cuts: readonly number[], pauseMs = 20): Promise<void> {
  let from = 0;
  for (const to of [...new Set(cuts.map((cut) => Math.min(cut, bytes.length)))].sort((a, b) => a - b)) {
    if (to <= from) continue;
    socket.write(bytes.subarray(from, to));
    from = to;
    await new Promise((resolve) => (pauseMs === 0 ? setImmediate(resolve) : setTimeout(resolve, pauseMs)));
  }
  if (from < bytes.length) socket.write(bytes.subarray(from));
}

/** Writes `bytes` to `socket` one byte at a time, letting the event loop turn every 16 bytes. */
export async function writeByteByByte(socket: Socket, bytes: Buffer): Promise<void> {
  for (let i = 0; i < bytes.length; i++) {
    socket.write(bytes.subarray(i, i + 1));
    if (i % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}
