// Hostile clients: each one is handled with bounded memory and a log line, and the well-behaved
// client beside it keeps being served.
import type { Socket } from 'node:net';
import { Engine } from '@nemesisdb/engine';
import { until } from '@nemesisdb/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Logger, ServerOptions } from './options.js';
import { frameHeader, maskedFrame, rawClient as rawClientOf } from './raw-client.test-util.js';
import { startServer, type NemesisServer } from './server.js';

const running: NemesisServer[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(running.splice(0).map((server) => server.close({ timeoutMs: 500 })));
});

function recordingLogger(): Logger & { lines: { level: string; message: string; fields: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (fields: object, message = '') =>
      lines.push({ level, message, fields: fields as Record<string, unknown> });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

async function serve(options: Partial<ServerOptions> = {}) {
  const logger = recordingLogger();
  const server = await startServer({ engine: new Engine(), host: '127.0.0.1', port: 0, logger, ...options });
  running.push(server);
  return { server, logger };
}

/** A well-behaved client: one request, one reply. */
async function wellBehaved(url: string): Promise<string> {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const reply = await new Promise<string>((resolve) => {
    ws.once('message', (data) => resolve(data.toString()));
    ws.send('{"KV_COUNT":{}}');
  });
  ws.close();
  return reply;
}

const rawClient = (port: number) => rawClientOf(port, sockets);
const frame = (text: string) => maskedFrame(text);

const COUNT = '{"KV_COUNT_RSP":{"cnt":0,"st":1}}';

describe('hostile clients', () => {
  it('many connections opening and closing', async () => {
    const { server } = await serve();
    for (let round = 0; round < 10; round++) {
      const batch = await Promise.all(Array.from({ length: 50 }, () => rawClient(server.port)));
      for (const socket of batch) socket.destroy();
    }
    await until(() => server.connections === 0, { timeoutMs: 10_000 });
    expect(await wellBehaved(server.url)).toBe(COUNT);
  });

  it('a client that sends a 64 MiB frame is closed with 1009 without the server reading it', async () => {
    const { server, logger } = await serve({ maxPayload: 1024 * 1024 });
    const socket = await rawClient(server.port);
    const closed = new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('close', () => resolve(Buffer.concat(chunks)));
    });
    socket.write(frameHeader(64 * 1024 * 1024));
    socket.write(Buffer.alloc(256 * 1024, 0x41)); // the start of it, then the server must give up
    const received = await closed;
    // A close frame with code 1009 (0x03f1), sent before any of the 64 MiB was taken in.
    expect(received[0]).toBe(0x88);
    expect(received.readUInt16BE(2)).toBe(1009);
    expect(logger.lines.some((line) => line.message === 'connection closed on a protocol error')).toBe(true);
    expect(await wellBehaved(server.url)).toBe(COUNT);
  });

  it('a client that sends at full speed without reading is paused, then closed, with a log line', async () => {
    const { server, logger } = await serve({ maxBufferedBytes: 256 * 1024, drainTimeoutMs: 300 });
    const socket = await rawClient(server.port);
    socket.pause();
    const request = frame('{"KV_GET":{"keys":["a","b","c"]}}');
    const burst = Buffer.concat(Array.from({ length: 2000 }, () => request));
    const sendUntilClosed = (async () => {
      while (!socket.destroyed && !socket.writableEnded) {
        if (!socket.write(burst)) await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await until(() => logger.lines.some((line) => line.message === 'closing a connection that does not read its replies'), {
      timeoutMs: 10_000,
    });
    await until(() => server.connections === 0, { timeoutMs: 10_000 });
    socket.destroy();
    await sendUntilClosed;
    expect(await wellBehaved(server.url)).toBe(COUNT);
  });

  it('a client that sends at full speed and reads gets every reply, in order', async () => {
    const { server } = await serve({ maxBufferedBytes: 64 * 1024 });
    const ws = new WebSocket(server.url);
    await new Promise((resolve) => ws.once('open', resolve));
    const N = 20_000;
    let received = 0;
    let ordered = true;
    const done = new Promise<void>((resolve) =>
      ws.on('message', (data) => {
        if (data.toString() !== `{"KV_SET_RSP":{"st":1}}`) ordered = false;
        if (++received === N) resolve();
      }),
    );
    for (let i = 0; i < N; i++) ws.send(`{"KV_SET":{"keys":{"k${i % 100}":${i}}}}`);
    await done;
    expect(ordered).toBe(true);
    ws.close();
  });

  it('a client that trickles plain frames in tiny pieces is answered, in order', async () => {
    // Every frame is cut across reads: the fast receive path completes a frame cut once and hands
    // one cut again to ws (which buffers reads in a list rather than copying the frame each time).
    const { server } = await serve();
    const socket = await rawClient(server.port);
    const replies: string[] = [];
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + (buffered[1]! & 0x7f)) {
        const length = buffered[1]! & 0x7f;
        replies.push(buffered.toString('utf8', 2, 2 + length));
        buffered = buffered.subarray(2 + length);
      }
    });
    const big = frame(`{"KV_SET":{"keys":{"big":"${'z'.repeat(20 * 1024)}"}}}`);
    const small = frame('{"KV_COUNT":{}}');
    const stream = Buffer.concat([small, big, small]);
    for (let at = 0; at < stream.length; at += 7) {
      socket.write(stream.subarray(at, at + 7));
      if (at % 700 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await until(() => replies.length === 3, { timeoutMs: 10_000 });
    expect(replies).toEqual(['{"KV_COUNT_RSP":{"cnt":0,"st":1}}', '{"KV_SET_RSP":{"st":1}}', '{"KV_COUNT_RSP":{"cnt":1,"st":1}}']);
    expect(await wellBehaved(server.url)).toBe('{"KV_COUNT_RSP":{"cnt":1,"st":1}}');
  });

  it('a client that disconnects in the middle of a request, or of its replies', async () => {
    const { server, logger } = await serve();
    const midRequest = await rawClient(server.port);
    const request = frame('{"KV_SET":{"keys":{"half":1}}}');
    midRequest.write(request.subarray(0, 10));
    midRequest.destroy();
    const midReplies = await rawClient(server.port);
    midReplies.write(Buffer.concat(Array.from({ length: 500 }, () => frame('{"KV_KEYS":{}}'))));
    midReplies.destroy();
    await until(() => server.connections === 0, { timeoutMs: 10_000 });
    expect(logger.lines.filter((line) => line.message === 'connection closed')).toHaveLength(2);
    expect(await wellBehaved(server.url)).toBe(COUNT); // and the half request changed nothing
  });
});
