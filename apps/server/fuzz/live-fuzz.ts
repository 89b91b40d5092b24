// A live fuzzer: hostile connections send random frames (random bytes, random JSON, commands with
// random shapes, binary, fragmented and oversized messages, protocol violations) at a running
// `nemesisdb` process while a well-behaved client checks that it keeps being served and that its
// data never changes. Used by the bounded test (fuzz.test.ts) and by `pnpm fuzz` (a long run).
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { startApp } from '@nemesisdb/test-utils';
import fc from 'fast-check';
import { FrameReader, Opcode, clientFrame, openRawWebSocket } from '../bench/raw-websocket.js';

export interface FuzzReport {
  frames: number;
  messages: number;
  replies: number;
  closes: number;
  /** Connections where a message went unanswered without a documented close. */
  unanswered: number;
  crashes: number;
  wellBehavedChecks: number;
  wellBehavedFailures: number;
  peakRssMiB: number;
}

export interface FuzzOptions {
  frames: number;
  connections?: number;
  maxPayload?: number;
  seed?: number;
  /**
   * How a hostile connection writes its batch: one write per frame (default), or the batch in one
   * buffer cut at random points, so that many frames share a read and frames straddle reads (the
   * cases of the server's fast receive path, which parses whole small text frames from each read).
   */
  writes?: 'per-frame' | 'coalesced';
  onProgress?: (report: FuzzReport) => void;
}

/** One client frame; `message` is true when it completes a data message (text or binary). */
interface Frame {
  bytes: Buffer;
  message: boolean;
  /** Ends the connection by design (invalid UTF-8, oversize, protocol violation, close). */
  closes: boolean;
}

const COMMANDS = [
  'SH_NEW',
  'SH_SET',
  'SH_GET',
  'SH_INFO',
  'SH_EXISTS',
  'SH_RMV',
  'KV_SET',
  'KV_GET',
  'KV_FIND',
  'KV_UPDATE',
  'KV_ARR_APPEND',
  'KV_RMV',
  'SV_INFO',
  'KV_NOPE',
  'SH_OPEN',
  'SH_SET_EXPIRY',
];

/** Frames a hostile client may send. */
function frameArbitrary(maxPayload: number): fc.Arbitrary<Frame[]> {
  const text = (payload: string): Frame[] => [{ bytes: clientFrame(0x1, Buffer.from(payload)), message: true, closes: false }];
  const randomJson = fc.json({ maxDepth: 3 }).map(text);
  const command = fc
    .tuple(fc.constantFrom(...COMMANDS), fc.jsonValue({ maxDepth: 2 }))
    .map(([name, body]) => text(JSON.stringify({ [name]: body })));
  const randomText = fc.string({ maxLength: 300 }).map(text);
  const binary = fc
    .uint8Array({ maxLength: 200 })
    .map((bytes): Frame[] => [{ bytes: clientFrame(0x2, Buffer.from(bytes)), message: true, closes: false }]);
  const fragmented = fc.json({ maxDepth: 2 }).map((json): Frame[] => {
    const data = Buffer.from(json);
    const cut = Math.floor(data.length / 2);
    return [
      { bytes: clientFrame(0x1, data.subarray(0, cut), { fin: false }), message: false, closes: false },
      { bytes: clientFrame(0x0, data.subarray(cut)), message: true, closes: false },
    ];
  });
  const ping = fc
    .uint8Array({ maxLength: 20 })
    .map((bytes): Frame[] => [{ bytes: clientFrame(0x9, Buffer.from(bytes)), message: false, closes: false }]);
  const invalidUtf8 = fc.constant<Frame[]>([
    { bytes: clientFrame(0x1, Buffer.from([0x7b, 0xc3, 0x28, 0x7d])), message: true, closes: true },
  ]);
  const oversized = fc
    .integer({ min: maxPayload + 1, max: maxPayload * 2 })
    .map((size): Frame[] => [{ bytes: clientFrame(0x1, Buffer.alloc(size, 0x20)), message: true, closes: true }]);
  const reservedBits = fc.constant<Frame[]>([{ bytes: clientFrame(0x1, Buffer.from('{}'), { rsv: 0x40 }), message: true, closes: true }]);
  const unknownOpcode = fc.constant<Frame[]>([{ bytes: clientFrame(0x3, Buffer.from('x')), message: true, closes: true }]);
  // Shapes the fast receive path must judge: multi-byte UTF-8 text (valid, or cut mid-character),
  // 16-bit lengths up to the limit, unmasked frames, text inside a fragmented message.
  const unicodeCommand = fc
    .tuple(fc.constantFrom(...COMMANDS), fc.string({ unit: 'grapheme', maxLength: 40 }))
    .map(([name, value]) => text(JSON.stringify({ [name]: { keys: { [value]: value } } })));
  const longText = fc
    .integer({ min: 126, max: Math.min(maxPayload, 65535) })
    .map((size) => text(`{"KV_SET":{"keys":{"long":"${'y'.repeat(Math.max(0, size - 26))}"}}}`));
  const cutCharacter = fc.constant<Frame[]>([
    { bytes: clientFrame(0x1, Buffer.from('{"KV_GET":{"keys":["€"]}}').subarray(0, 22)), message: true, closes: true },
  ]);
  const unmasked = fc.constant<Frame[]>([
    { bytes: clientFrame(0x1, Buffer.from('{"KV_COUNT":{}}'), { masked: false }), message: true, closes: true },
  ]);
  const textInFragments = fc.constant<Frame[]>([
    { bytes: clientFrame(0x1, Buffer.from('{"KV_'), { fin: false }), message: false, closes: false },
    { bytes: clientFrame(0x1, Buffer.from('{"KV_COUNT":{}}')), message: true, closes: true },
  ]);
  return fc.oneof(
    { weight: 30, arbitrary: command },
    { weight: 20, arbitrary: randomJson },
    { weight: 10, arbitrary: randomText },
    { weight: 8, arbitrary: binary },
    { weight: 5, arbitrary: fragmented },
    { weight: 3, arbitrary: ping },
    { weight: 1, arbitrary: invalidUtf8 },
    { weight: 1, arbitrary: oversized },
    { weight: 1, arbitrary: reservedBits },
    { weight: 1, arbitrary: unknownOpcode },
    { weight: 6, arbitrary: unicodeCommand },
    { weight: 2, arbitrary: longText },
    { weight: 1, arbitrary: cutCharacter },
    { weight: 1, arbitrary: unmasked },
    { weight: 1, arbitrary: textInFragments },
  );
}

async function handshake(port: number): Promise<{ socket: Socket; state: ReturnType<typeof watch> }> {
  const { socket, rest } = await openRawWebSocket(port, { path: '/fuzz', ignoreErrors: true });
  const state = watch(socket);
  state.read(rest);
  return { socket, state };
}

/** Counts the text frames (replies) on a socket, keeps the last one; tells when it closes. */
function watch(socket: Socket) {
  const state = { replies: 0, closed: false, lastReply: '', read: (chunk: Buffer) => reader.push(chunk) };
  const reader = new FrameReader((opcode, data, start, end) => {
    if (opcode !== Opcode.text) return;
    state.replies++;
    state.lastReply = data.toString('utf8', start, end);
  });
  socket.on('data', state.read);
  socket.on('close', () => (state.closed = true));
  return state;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return true;
}

function rssMiB(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
  } catch {
    return 0;
  }
}

/** Runs the fuzzer against a fresh app process. */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const maxPayload = options.maxPayload ?? 64 * 1024;
  const app = await startApp({ args: ['--max-payload', String(maxPayload)] });
  const { child, port } = app;
  const report: FuzzReport = {
    frames: 0,
    messages: 0,
    replies: 0,
    closes: 0,
    unanswered: 0,
    crashes: 0,
    wellBehavedChecks: 0,
    wellBehavedFailures: 0,
    peakRssMiB: 0,
  };
  let exited = false;
  child.once('exit', () => (exited = true));
  const arbitrary = frameArbitrary(maxPayload);
  let seed = options.seed ?? Date.now();

  // The well-behaved client: its own session and key, checked between rounds.
  const { socket: good, state: goodState } = await handshake(port);
  const ask = async (text: string) => {
    const before = goodState.replies;
    good.write(clientFrame(0x1, Buffer.from(text)));
    return (await until(() => goodState.replies > before, 5000)) ? goodState.lastReply : 'no reply';
  };
  const created = await ask('{"SH_NEW":{}}');
  const tkn = /"tkn":(\d+)/.exec(created)![1];
  await ask(`{"SH_SET":{"tkn":${tkn},"keys":{"mine":[1,2,{"deep":18446744073709551615}]}}}`);
  await ask('{"KV_SET":{"keys":{"wellBehaved:key":"unchanged"}}}');
  const expectedSession = '{"SH_GET_RSP":{"keys":{"mine":[1,2,{"deep":18446744073709551615}]},"st":1}}';
  const expectedKey = '{"KV_GET_RSP":{"keys":{"wellBehaved:key":"unchanged"},"st":1}}';

  try {
    while (report.frames < options.frames && !exited) {
      // One round: several hostile connections, each sending a batch of frames.
      const rounds = await Promise.all(
        Array.from({ length: options.connections ?? 4 }, async () => {
          const batch = fc.sample(arbitrary, { numRuns: 200, seed: seed++ }).flat();
          const { socket, state } = await handshake(port);
          let messages = 0;
          let closing = false;
          const sent: Buffer[] = [];
          for (const frame of batch) {
            if (socket.destroyed) break;
            if (options.writes === 'coalesced') sent.push(frame.bytes);
            else socket.write(frame.bytes);
            report.frames++;
            if (frame.message) messages++;
            if (frame.closes) {
              closing = true;
              break;
            }
          }
          if (sent.length > 0) {
            const bytes = Buffer.concat(sent);
            const cuts = fc.sample(fc.nat({ max: bytes.length }), { numRuns: 6, seed: seed++ }).sort((a, b) => a - b);
            let last = 0;
            for (const cut of [...cuts, bytes.length]) {
              if (cut <= last || socket.destroyed) continue;
              socket.write(bytes.subarray(last, cut));
              last = cut;
              await new Promise((resolve) => setImmediate(resolve));
            }
          }
          if (!closing && !socket.destroyed) {
            // A last request: once it is answered, every message before it must have been.
            socket.write(clientFrame(0x1, Buffer.from('{"SV_INFO":{}}')));
            messages++;
            await until(() => state.replies >= messages || state.closed, 10_000);
            if (state.replies < messages && !state.closed) report.unanswered++;
          } else {
            await until(() => state.closed, 10_000);
          }
          report.messages += messages;
          report.replies += state.replies;
          if (state.closed) report.closes++;
          socket.destroy();
        }),
      );
      void rounds;
      report.wellBehavedChecks++;
      const session = await ask(`{"SH_GET":{"tkn":${tkn},"keys":["mine"]}}`);
      const key = await ask('{"KV_GET":{"keys":["wellBehaved:key"]}}');
      if (session !== expectedSession || key !== expectedKey) report.wellBehavedFailures++;
      report.peakRssMiB = Math.max(report.peakRssMiB, rssMiB(child.pid!));
      options.onProgress?.({ ...report });
    }
  } finally {
    if (exited) report.crashes++;
    good.destroy();
    await app.stop();
  }
  return report;
}
