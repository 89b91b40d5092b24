// @nemesisdb/protocol/ws-fast-receiver — Node only (it reads `Buffer`s): the small text frames of
// the protocol (docs/reference/protocol.md §1) parsed straight from each socket read, ahead of ws's
// `Receiver`. The server uses it for requests, the Node SDK for replies.
import { isUtf8 } from 'node:buffer';

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

/** A ws `WebSocket`, as far as the fast path needs it. */
export interface FastReceiverSocket {
  readonly readyState: number;
  readonly OPEN: number;
}

export interface FastReceiverOptions {
  /**
   * Whose frames are read: a client's are masked (RFC 6455 §5.3; the server reads them), a
   * server's are not (the client reads them). A frame masked the other way goes to ws, which
   * fails the connection.
   */
  from: 'client' | 'server';
  /** Largest payload the fast path takes, at most 65,535 (the default); larger frames go to ws. */
  maxPayload?: number;
  /** Each plain text, in order; `firstOfRead` is true for the first of a socket read. */
  onText(text: string, firstOfRead: boolean): void;
}

/** ws's receiver state "waiting for the first two bytes of a frame". */
const GET_INFO = 0;
/** FIN set, RSV1-3 clear, opcode 1 (text): the only first byte the fast path accepts. */
const FINAL_TEXT = 0x81;
/** Largest payload the fast path can take: a 7- or 16-bit length. */
const LARGEST_PAYLOAD = 0xffff;

/**
 * Parses small text frames straight from each socket read of `ws`, ahead of its `Receiver`.
 *
 * Why: ws's receiver costs ~1 µs per small masked request on the server and ~340 ns per small
 * reply on the client (read in batches of 32) — a `Writable` write per read, `Buffer` views per
 * frame, two `emit`s and a `Buffer` handed over to be decoded. For a read holding N complete,
 * unfragmented text frames of at most `maxPayload` bytes, masked as `from` says, this unmasks each
 * in place (checking for ASCII on the way), checks it is UTF-8 and hands the text to `onText`, in
 * order: ~135 ns per client-side reply.
 *
 * Everything else is given to ws exactly as it arrived, from the first frame that is not plain: a
 * control frame (ping, pong, close), a fragment, a binary frame, a frame over the limit or with a
 * 64-bit length, a frame masked the wrong way, reserved bits, invalid UTF-8 (re-masked first, so
 * ws sees the original bytes and closes with 1007 itself), and any read while the WebSocket is not
 * open or ws's parser is inside a frame. ws then parses that rest and emits its messages
 * synchronously, so messages keep their order whichever parser read them (both ends pair requests
 * and replies by order alone). A plain frame cut by the end of a read is kept (copied, at most
 * 64 KiB) and completed by the next read, so that large pipelined reads, which rarely end on a
 * frame boundary, stay on the fast path.
 *
 * Returns false (and changes nothing) when ws's receiver does not look as expected, e.g. after a
 * ws upgrade that renamed its internals: every frame then goes through ws, as before.
 */
export function installFastReceiver(ws: FastReceiverSocket, options: FastReceiverOptions): boolean {
  const receiver = (ws as { _receiver?: Partial<ReceiverInternals> })._receiver;
  if (!looksLikeWsReceiver(receiver)) return false;
  const wsWrite = receiver.write.bind(receiver);
  const limit = Math.min(options.maxPayload ?? LARGEST_PAYLOAD, LARGEST_PAYLOAD);
  const masked = options.from === 'client';
  const maskBit = masked ? 0x80 : 0;
  const maskBytes = masked ? 4 : 0;
  const onText = options.onText;
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
      if ((second & 0x80) !== maskBit) break; // masked the wrong way: ws answers 1002
      let length = second & 0x7f;
      let header = 2 + maskBytes;
      if (length === 126) {
        header += 2;
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
      const text = masked ? unmaskedText(chunk, start, stop) : validText(chunk, start, stop);
      if (text === undefined) break;
      at = stop;
      onText(text, firstOfRead);
      firstOfRead = false;
    }
    if (at === end) return true;
    // A frame still incomplete after being carried once goes to ws, which buffers reads in a list:
    // copying it again on every read would let a peer that sends one byte at a time cost O(n²).
    if (cut && ws.readyState === OPEN && !(carried && at === 0)) {
      // Copied: the socket's buffer is not ours to keep. At most one frame of ≤ 64 KiB.
      carry = Buffer.from(chunk.subarray(at));
      return true;
    }
    return wsWrite(at === 0 ? chunk : chunk.subarray(at));
  };
  return true;
}

/** The payload's text, unmasked in place; undefined (and the bytes masked again) when it is not UTF-8. */
function unmaskedText(chunk: Buffer, start: number, stop: number): string | undefined {
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
  if ((high & 0x80) === 0) return chunk.toString('latin1', start, stop); // all ASCII: valid UTF-8, and latin1 reads it as is
  if (isUtf8(chunk.subarray(start, stop))) return chunk.toString('utf8', start, stop);
  for (let j = start; j < stop; j++) {
    const k = (j - start) & 3;
    chunk[j]! ^= k === 0 ? m0 : k === 1 ? m1 : k === 2 ? m2 : m3;
  }
  return undefined;
}

/** The payload's text, or undefined when it is not UTF-8 (ws then closes with 1007 itself). */
function validText(chunk: Buffer, start: number, stop: number): string | undefined {
  return isUtf8(chunk.subarray(start, stop)) ? chunk.toString('utf8', start, stop) : undefined;
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
