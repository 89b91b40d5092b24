import { isUtf8 } from 'node:buffer';
import type { WebSocket } from 'ws';

/**
 * The parts of ws's (8.x) `Receiver` that the fast path relies on. ws keeps control frames,
 * fragmentation, binary and large frames and every protocol error: the fast path only takes the
 * frames it can prove are plain, and only while ws's own parser sits between two frames with
 * nothing buffered.
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

/**
 * Parses the server's small text frames straight from each socket read, ahead of ws's `Receiver`.
 *
 * Why: ws's receiver costs ~340 ns per small reply read in batches of 32 — a `Writable` write
 * per read, `Buffer` views per frame, two `emit`s and a `Buffer` to decode. For a read holding
 * complete, unmasked, unfragmented text frames of at most 64 KiB, this checks each is UTF-8 and
 * hands its text to `onText`, in order: ~135 ns per reply.
 *
 * Everything else is given to ws exactly as it arrived, from the first frame that is not plain: a
 * control frame (ping, pong, close), a fragment, a binary frame, a longer frame, a masked frame,
 * reserved bits, invalid UTF-8, and any read while the WebSocket is not open or ws's parser is
 * inside a frame. ws parses that rest and emits its messages synchronously, so replies keep their
 * order whichever parser read them (the client pairs replies with requests by order alone). A
 * plain frame cut by the end of a read is kept (copied) and completed by the next read, so large
 * pipelined batches, which rarely end on a frame boundary, stay on the fast path.
 *
 * Returns false (and changes nothing) when ws's receiver does not look as expected, e.g. after a
 * ws upgrade that renamed its internals: every frame then goes through ws, as before.
 */
export function installFastReceiver(ws: WebSocket, onText: (text: string) => void): boolean {
  const receiver = (ws as unknown as { _receiver?: Partial<ReceiverInternals> })._receiver;
  if (!looksLikeWsReceiver(receiver)) return false;
  const wsWrite = receiver.write.bind(receiver);
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
    while (ws.readyState === OPEN && at < end) {
      const available = end - at;
      if (chunk[at] !== FINAL_TEXT) break;
      if (available < 2) {
        cut = true;
        break;
      }
      let length = chunk[at + 1]!;
      let header = 2;
      if (length > 126) break; // masked (ws fails the connection), or a 64-bit length: ws reads it
      if (length === 126) {
        header = 4;
        if (available < 4) {
          cut = true;
          break;
        }
        length = (chunk[at + 2]! << 8) | chunk[at + 3]!;
      }
      if (available < header + length) {
        cut = true;
        break;
      }
      const start = at + header;
      const stop = start + length;
      if (!isUtf8(chunk.subarray(start, stop))) break; // ws closes with 1007 itself
      at = stop;
      onText(chunk.toString('utf8', start, stop));
    }
    if (at === end) return true;
    // A frame still incomplete after being carried once goes to ws, which buffers reads in a list:
    // copying it again on every read would cost O(n²) for a frame arriving in many small reads.
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
