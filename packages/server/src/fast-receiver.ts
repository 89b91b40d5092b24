import { isUtf8 } from 'node:buffer';
import type { WebSocket } from 'ws';

/**
 * The parts of ws's (8.x) `Receiver` that the fast path relies on. ws keeps the handshake, control
 * frames, fragmentation, binary and large frames, every limit and every protocol error: the fast
 * path only takes the frames it can prove are plain, and only while ws's own parser sits between
 * two frames with nothing buffered.
 */
interface ReceiverInternals {
  write(chunk: Buffer): boolean;
  readonly writableLength: number;
  _state: number;
  _bufferedBytes: number;
  _fragmented: number;
  _errored: boolean;
}

/** ws's receiver state "waiting for the first two bytes of a frame". */
const GET_INFO = 0;
/** FIN set, RSV1-3 clear, opcode 1 (text): the only first byte the fast path accepts. */
const FINAL_TEXT = 0x81;
/** Largest payload taken by the fast path (a 7- or 16-bit length); larger frames go to ws. */
const FAST_PATH_MAX_PAYLOAD = 0xffff;

/**
 * Parses small client text frames straight from each socket read, ahead of ws's `Receiver`.
 *
 * ws's receiver costs about 1 µs per small message: each frame is a `Writable` write, three
 * `Buffer` views (header, mask, payload), an `emit` through the WebSocket and a `Buffer` handed to
 * the listener, which then decodes it. For a read holding N complete, masked, unfragmented text
 * frames of at most `min(maxPayload, 65535)` bytes, this parser unmasks each in place, checks it is
 * UTF-8 (free when every byte is ASCII, which is checked while unmasking) and hands the text to
 * `onText`, in order, saying which is the read's first (the others follow it at once).
 *
 * Everything else is given to ws exactly as it arrived, from the first frame that is not plain:
 * a control frame (ping, pong, close), a fragment, a binary frame, a frame over the limit, an
 * unmasked frame, reserved bits, invalid UTF-8 (re-masked first, so ws sees the original bytes and
 * closes with 1007 itself), and any read while the WebSocket is
 * not open or ws's parser is inside a frame. ws then parses that rest and emits its messages
 * synchronously, so requests keep their order whichever parser read them. A plain frame cut by
 * the end of a read is kept (copied, at most 64 KiB) and completed by the next read, so that large
 * pipelined reads, which rarely end on a frame boundary, stay on the fast path.
 *
 * Returns false (and changes nothing) when ws's receiver does not look as expected, e.g. after a
 * ws upgrade that renamed its internals: every frame then goes through ws, as before.
 */
export function installFastReceiver(ws: WebSocket, maxPayload: number, onText: (text: string, firstOfRead: boolean) => void): boolean {
  const receiver = (ws as unknown as { _receiver?: Partial<ReceiverInternals> })._receiver;
  if (!looksLikeWsReceiver(receiver)) return false;
  const wsWrite = receiver.write.bind(receiver);
  const limit = Math.min(maxPayload, FAST_PATH_MAX_PAYLOAD);
  const OPEN = ws.OPEN;

  /** The start of a plain frame cut by the end of the last read (ws has not seen it). */
  let carry: Buffer | null = null;

  receiver.write = (input: Buffer): boolean => {
    let chunk = input;
    const carried = carry !== null;
    if (carry !== null) {
      chunk = Buffer.concat([carry, input]);
      carry = null;
    }
    const betweenFrames =
      receiver._state === GET_INFO &&
      receiver._bufferedBytes === 0 &&
      receiver._fragmented === 0 &&
      !receiver._errored &&
      receiver.writableLength === 0;
    if (!betweenFrames) return wsWrite(chunk);
    const end = chunk.length;
    let at = 0;
    // Set when the loop stops at a plain frame that the read cut short: kept for the next read.
    let cut = false;
    let firstOfRead = true;
    while (ws.readyState === OPEN && at < end) {
      const available = end - at;
      if (chunk[at] !== FINAL_TEXT) break;
      if (available < 2) {
        cut = true;
        break;
      }
      const second = chunk[at + 1]!;
      if ((second & 0x80) === 0) break; // unmasked: ws answers 1002
      let length = second & 0x7f;
      let header = 6;
      if (length === 126) {
        header = 8;
        if (available < 4) {
          cut = true;
          break;
        }
        length = (chunk[at + 2]! << 8) | chunk[at + 3]!;
      } else if (length === 127) {
        break;
      }
      if (length > limit) break;
      if (available < header + length) {
        cut = true;
        break;
      }
      const start = at + header;
      const stop = start + length;
      const m0 = chunk[start - 4]!;
      const m1 = chunk[start - 3]!;
      const m2 = chunk[start - 2]!;
      const m3 = chunk[start - 1]!;
      let high = 0;
      let i = start;
      for (; i + 3 < stop; i += 4) {
        const b0 = chunk[i]! ^ m0;
        const b1 = chunk[i + 1]! ^ m1;
        const b2 = chunk[i + 2]! ^ m2;
        const b3 = chunk[i + 3]! ^ m3;
        chunk[i] = b0;
        chunk[i + 1] = b1;
        chunk[i + 2] = b2;
        chunk[i + 3] = b3;
        high |= b0 | b1 | b2 | b3;
      }
      for (let k = 0; i < stop; i++, k++) {
        const b = chunk[i]! ^ (k === 0 ? m0 : k === 1 ? m1 : m2);
        chunk[i] = b;
        high |= b;
      }
      let text: string;
      if ((high & 0x80) === 0) {
        text = chunk.toString('latin1', start, stop); // all ASCII: valid UTF-8, and latin1 decodes it as is
      } else if (isUtf8(chunk.subarray(start, stop))) {
        text = chunk.toString('utf8', start, stop);
      } else {
        remask(chunk, start, stop, m0, m1, m2, m3);
        break;
      }
      at = stop;
      onText(text, firstOfRead);
      firstOfRead = false;
    }
    if (at === end) return true;
    // A frame still incomplete after being carried once goes to ws, which buffers reads in a list:
    // copying it again on every read would let a client that sends one byte at a time cost O(n²).
    if (cut && ws.readyState === OPEN && !(carried && at === 0)) {
      // Copied: the socket's buffer is not ours to keep. At most one frame of ≤ 64 KiB.
      carry = Buffer.from(chunk.subarray(at));
      return true;
    }
    return wsWrite(at === 0 ? chunk : chunk.subarray(at));
  };
  return true;
}

function looksLikeWsReceiver(receiver: Partial<ReceiverInternals> | undefined): receiver is ReceiverInternals {
  return (
    receiver !== undefined &&
    typeof receiver.write === 'function' &&
    typeof receiver.writableLength === 'number' &&
    receiver._state === GET_INFO &&
    typeof receiver._bufferedBytes === 'number' &&
    typeof receiver._fragmented === 'number' &&
    typeof receiver._errored === 'boolean'
  );
}

/** Restores the masked bytes (for ws, which then reports the invalid UTF-8 itself). */
function remask(chunk: Buffer, start: number, stop: number, m0: number, m1: number, m2: number, m3: number): void {
  for (let i = start; i < stop; i++) {
    const k = (i - start) & 3;
    chunk[i]! ^= k === 0 ? m0 : k === 1 ? m1 : k === 2 ? m2 : m3;
  }
}
