import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Engine, MemoryStore } from '@nemesisdb/engine';
import { MAX_PAYLOAD_HEADER, decode } from '@nemesisdb/protocol';
import { collectFrames } from '@nemesisdb/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ServerOptions } from './options.js';
import { maskedFrame, rawClient as rawClientOf } from './raw-client.test-util.js';
import { startServer, type NemesisServer } from './server.js';

const rawClient = (port: number) => rawClientOf(port, clients as Socket[]);

const running: NemesisServer[] = [];
const clients: (WebSocket | Socket)[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) {
    if (client instanceof WebSocket) client.terminate();
    else client.destroy();
  }
  await Promise.all(running.splice(0).map((server) => server.close({ timeoutMs: 1000 })));
});

async function serve(options: Partial<ServerOptions> = {}): Promise<NemesisServer> {
  const server = await startServer({ engine: new Engine(), host: '127.0.0.1', port: 0, ...options });
  running.push(server);
  return server;
}

/** A connected client that can wait for replies and for the close. */
async function client(url: string) {
  const ws = new WebSocket(url);
  clients.push(ws);
  const replies: string[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    replies.push(data.toString());
    waiters.splice(0).forEach((wake) => wake());
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  async function next(): Promise<string> {
    while (replies.length === 0) await new Promise<void>((wake) => waiters.push(wake));
    return replies.shift()!;
  }
  return {
    ws,
    closed,
    next,
    /** Replies received and not taken yet. */
    waiting: () => replies.length,
    async request(text: string | Buffer, binary = false): Promise<unknown> {
      ws.send(text, { binary });
      return decode(await next());
    },
    async replies(count: number): Promise<string[]> {
      const all: string[] = [];
      while (all.length < count) all.push(await next());
      return all;
    },
  };
}

describe('one text message, one request (docs/reference/protocol.md §1–§3)', () => {
  it('answers a command, on any URL path', async () => {
    const server = await serve();
    for (const path of ['', '/', '/anything/at/all?x=1']) {
      const c = await client(server.url + path);
      expect(await c.request('{"SH_NEW":{}}')).toMatchObject({ SH_NEW_RSP: { st: 1 } });
    }
  });

  it.each([
    ['invalid JSON', '{"SH_NEW":', { ERR: { m: '', st: 3 } }],
    ['an empty message', '', { ERR: { m: '', st: 3 } }],
    ['a root that is not one command', '{}', { ERR: { m: '', st: 13 } }],
    ['a body that is not an object', '{"KV_COUNT":null}', { KV_COUNT_RSP: { m: '', st: 13, tkn: null } }],
    ['an unknown KV command', '{"KV_SETQ":{}}', { ERR: { m: '', st: 10 } }],
    ['an unknown SH command', '{"SH_OPENX":{}}', { SH_OPENX_RSP: { m: '', st: 10, tkn: null } }],
    ['an unknown SV command', '{"SV_FOO":{}}', { SV_FOO_RSP: { m: '', st: 10, tkn: null } }],
    ['an unknown prefix', '{"ARR_SET":{}}', { ARR_SET_RSP: { m: '', st: 10, tkn: null } }],
    ['a name without "_"', '{"NOPE":{}}', { NOPE_RSP: { m: '', st: 13, tkn: null } }],
  ])('answers %s and stays open', async (_name, text, expected) => {
    const server = await serve();
    const c = await client(server.url);
    expect(await c.request(text)).toEqual(expected);
    expect(await c.request('{"KV_COUNT":{}}')).toEqual({ KV_COUNT_RSP: { cnt: 0, st: 1 } });
  });

  it('answers a binary message with ERR 2 and stays open', async () => {
    const server = await serve();
    const c = await client(server.url);
    expect(await c.request(Buffer.from('{"SH_NEW":{}}'), true)).toEqual({ ERR: { m: '', st: 2 } });
    expect(await c.request('{"KV_COUNT":{}}')).toEqual({ KV_COUNT_RSP: { cnt: 0, st: 1 } });
  });

  it('closes with 1009 and no reply when a message exceeds maxPayload', async () => {
    const server = await serve({ maxPayload: 1024 });
    const c = await client(server.url);
    expect(await c.request(`{"KV_SET":{"keys":{"a":"${'x'.repeat(900)}"}}}`)).toEqual({ KV_SET_RSP: { st: 1 } });
    c.ws.send(`{"KV_SET":{"keys":{"a":"${'x'.repeat(1100)}"}}}`);
    expect((await c.closed).code).toBe(1009);
  });

  it('tells each client its maxPayload in the handshake, the default and a configured one', async () => {
    for (const [options, expected] of [
      [{}, String(1024 * 1024)],
      [{ maxPayload: 4096 }, '4096'],
    ] as const) {
      const server = await serve(options);
      const ws = new WebSocket(server.url);
      clients.push(ws);
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        ws.once('upgrade', resolve);
        ws.once('error', reject);
      });
      expect(response.headers[MAX_PAYLOAD_HEADER]).toBe(expected);
    }
  });

  it('closes with 1007 on invalid UTF-8 in a text message', async () => {
    const server = await serve();
    const c = await client(server.url);
    c.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await c.closed).code).toBe(1007);
  });

  it('keeps the other connections serving when one misbehaves', async () => {
    const server = await serve({ maxPayload: 100 });
    const good = await client(server.url);
    const bad = await client(server.url);
    bad.ws.send('x'.repeat(200));
    await bad.closed;
    expect(await good.request('{"KV_COUNT":{}}')).toEqual({ KV_COUNT_RSP: { cnt: 0, st: 1 } });
  });
});

describe('order and flow', () => {
  it('answers 1,000 pipelined requests in order', async () => {
    const server = await serve();
    const c = await client(server.url);
    for (let i = 0; i < 1000; i++) c.ws.send(`{"KV_SET":{"keys":{"k${i}":${i}}}}`);
    for (let i = 0; i < 1000; i++) c.ws.send(`{"KV_GET":{"keys":["k${i}"]}}`);
    const replies = await c.replies(2000);
    expect(replies.slice(0, 1000).every((r) => r === '{"KV_SET_RSP":{"st":1}}')).toBe(true);
    replies.slice(1000).forEach((reply, i) => expect(reply).toBe(`{"KV_GET_RSP":{"keys":{"k${i}":${i}},"st":1}}`));
  });

  it("executes a connection's requests one after the other, also when some are asynchronous", async () => {
    const store = new MemoryStore();
    const count = store.kv.count.bind(store.kv);
    Object.assign(store.kv, { count: () => new Promise((resolve) => setTimeout(() => resolve(count()), 30)) });
    const server = await serve({ engine: new Engine({ store }) });
    const c = await client(server.url);
    c.ws.send('{"KV_SET":{"keys":{"a":1}}}');
    c.ws.send('{"KV_COUNT":{}}');
    c.ws.send('{"KV_SET":{"keys":{"b":1}}}');
    c.ws.send('{"KV_COUNT":{}}');
    expect(await c.replies(4)).toEqual([
      '{"KV_SET_RSP":{"st":1}}',
      '{"KV_COUNT_RSP":{"cnt":1,"st":1}}',
      '{"KV_SET_RSP":{"st":1}}',
      '{"KV_COUNT_RSP":{"cnt":2,"st":1}}',
    ]);
  });

  it('closes a client that never reads its replies, and keeps serving the others', async () => {
    const server = await serve({ maxBufferedBytes: 64 * 1024, drainTimeoutMs: 300 });
    const setup = await client(server.url);
    await setup.request(`{"KV_SET":{"keys":{"big":"${'x'.repeat(100_000)}"}}}`);
    const slow = await rawClient(server.port);
    slow.pause(); // never reads
    const request = maskedFrame('{"KV_GET":{"keys":["big"]}}');
    for (let i = 0; i < 2000; i++) slow.write(request);
    expect(server.connections).toBe(2);
    // ~1 s on a quiet machine; the bound is wide for a CI machine running every package's tests.
    const deadline = Date.now() + 25_000;
    while (server.connections > 1 && Date.now() < deadline) {
      expect(await setup.request('{"KV_COUNT":{}}')).toEqual({ KV_COUNT_RSP: { cnt: 1, st: 1 } });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(server.connections).toBe(1);
  }, 40_000);
});

/**
 * An engine whose journal holds every change until the test says: `release` makes the held changes
 * durable (their replies go out), `fail` gives up on them as a journal stalled on a dead disk does.
 */
function engineWithHeldJournal() {
  const engine = new Engine();
  let settle: { resolve: () => void; reject: (error: Error) => void } | null = null;
  let barrier: Promise<void> | null = null;
  engine.attachJournal({
    append: () => {
      barrier ??= new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
      barrier.catch(() => {}); // a failure is the connection's to handle
      return barrier;
    },
    expired: () => {},
    durability: () => barrier,
    compact: () => Promise.resolve(),
  });
  const take = () => {
    const held = { barrier: barrier!, settle: settle! };
    barrier = null;
    settle = null;
    return held;
  };
  return {
    engine,
    release: async () => {
      const held = take();
      held.settle.resolve();
      await held.barrier;
    },
    fail: (error: Error) => take().settle.reject(error),
  };
}

describe('durability (a journal synced on every write)', () => {
  it('holds replies until their changes are durable, then sends them in order', async () => {
    const journal = engineWithHeldJournal();
    const server = await serve({ engine: journal.engine });
    const c = await client(server.url);
    c.ws.send('{"KV_SET":{"keys":{"a":1}}}');
    c.ws.send('{"KV_GET":{"keys":["a"]}}');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(c.waiting()).toBe(0); // both replies held: the GET's reads the SET's change
    await journal.release();
    expect(await c.replies(2)).toEqual(['{"KV_SET_RSP":{"st":1}}', '{"KV_GET_RSP":{"keys":{"a":1},"st":1}}']);
  });

  it('closes the connection with 1011 and the reason when the journal stays unwritable, never acknowledging the held change', async () => {
    const journal = engineWithHeldJournal();
    const server = await serve({ engine: journal.engine });
    const c = await client(server.url);
    c.ws.send('{"KV_SET":{"keys":{"held":1}}}');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(c.waiting()).toBe(0); // held while the journal retries
    const failure = new Error('journal failed (ENOSPC: no space left on device) and could not be written for 30 s');
    journal.fail(failure); // the journal's hold timeout (JournalStalledError) gives up on it
    expect(await c.closed).toEqual({ code: 1011, reason: failure.message });
    expect(c.waiting()).toBe(0); // the change was never acknowledged
  });
});

describe('connections', () => {
  it('refuses connections beyond maxConnections with HTTP 503', async () => {
    const server = await serve({ maxConnections: 2 });
    await client(server.url);
    await client(server.url);
    const third = new WebSocket(server.url);
    third.on('error', () => {});
    clients.push(third);
    const status = await new Promise<number>((resolve) => third.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(503);
    expect(server.connections).toBe(2);
  });

  it('keeps live clients (they answer pings) and closes silent ones after the idle timeout', async () => {
    const server = await serve({ pingIntervalMs: 50, idleTimeoutMs: 150 });
    const live = await client(server.url);
    const silent = await rawClient(server.port);
    const silentClosed = new Promise((resolve) => silent.on('close', resolve));
    await silentClosed;
    while (server.connections > 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(server.connections).toBe(1);
    expect(await live.request('{"KV_COUNT":{}}')).toEqual({ KV_COUNT_RSP: { cnt: 0, st: 1 } });
  });
});

describe('graceful close', () => {
  it('answers requests in flight, then closes connections with 1001', async () => {
    const store = new MemoryStore();
    Object.assign(store.kv, { count: () => new Promise((resolve) => setTimeout(() => resolve(42), 200)) });
    const server = await startServer({ engine: new Engine({ store }), host: '127.0.0.1', port: 0 });
    const c = await client(server.url);
    c.ws.send('{"KV_COUNT":{}}');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closing = server.close({ timeoutMs: 2000 });
    expect(decode(await c.next())).toEqual({ KV_COUNT_RSP: { cnt: 42, st: 1 } });
    expect((await c.closed).code).toBe(1001);
    await closing;
    await expect(client(server.url)).rejects.toThrow();
  });

  it('cuts connections that do not close in time', async () => {
    const server = await startServer({ engine: new Engine(), host: '127.0.0.1', port: 0 });
    const raw = await rawClient(server.port); // never answers the close frame
    const started = Date.now();
    await server.close({ timeoutMs: 200 });
    expect(Date.now() - started).toBeLessThan(2000);
    raw.destroy();
  });
});

describe('HTTP on the same port', () => {
  it('serves /health', async () => {
    const server = await serve({ version: '1.2.3' });
    const c = await client(server.url);
    const tkn = ((await c.request('{"SH_NEW":{}}')) as { SH_NEW_RSP: { tkn: bigint } }).SH_NEW_RSP.tkn;
    await c.request(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`);
    await c.request('{"KV_SET":{"keys":{"a":1,"b":2}}}');
    const response = await fetch(server.url.replace('ws:', 'http:') + '/health');
    expect(response.status).toBe(200);
    const health = await response.json();
    expect(health).toEqual({
      status: 'ok',
      version: '1.2.3',
      uptime: expect.any(Number),
      connections: 1,
      sessions: 1,
      keys: 2,
      sessionKeys: 1,
    });
  });

  it('serves Prometheus metrics', async () => {
    const server = await serve();
    const c = await client(server.url);
    await c.request('{"SH_NEW":{}}');
    await c.request('{"SH_GET":{"tkn":1,"keys":[]}}');
    await c.request('nope');
    const response = await fetch(server.url.replace('ws:', 'http:') + '/metrics');
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('nemesisdb_connections 1');
    expect(text).toContain('nemesisdb_commands_total{command="SH_NEW",st="1"} 1');
    expect(text).toContain('nemesisdb_commands_total{command="SH_GET",st="100"} 1');
    expect(text).toContain('nemesisdb_commands_total{command="ERR",st="3"} 1');
    expect(text).toContain('nemesisdb_sessions 1');
    expect(text).toMatch(/nemesisdb_request_duration_seconds_count 3/);
    expect(text).toMatch(/nemesisdb_request_duration_seconds_bucket\{le="\+Inf"\} 3/);
    expect(text).toContain('nemesisdb_expired_sessions_total 0');
    expect(text).toContain('nemesisdb_process_cpu_seconds_total');
  });

  it('times each request from the read that brought it: the wait before a read is in no latency', async () => {
    const server = await serve();
    const socket = await rawClient(server.port);
    const frames = collectFrames(socket);
    const replies = async (count: number) => {
      while (frames.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    const sent = performance.now();
    socket.write(Buffer.concat(Array.from({ length: 50 }, (_, i) => maskedFrame(`{"KV_SET":{"keys":{"k${i}":${i}}}}`))));
    await replies(50);
    const runSeconds = (performance.now() - sent) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.write(maskedFrame('{"KV_GET":{"keys":["k1"]}}'));
    await replies(51);
    const text = await (await fetch(server.url.replace('ws:', 'http:') + '/metrics')).text();
    expect(text).toMatch(/nemesisdb_request_duration_seconds_count 51\n/);
    // The 50 requests of one read run back to back, each timed from the end of the one before:
    // together at most the read's span. The last one came 300 ms later, in a read of its own.
    const sum = Number(/nemesisdb_request_duration_seconds_sum (\S+)/.exec(text)![1]);
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(runSeconds + 0.1);
  });

  it('answers other plain HTTP requests with 426 (GET) or 404', async () => {
    const server = await serve();
    const base = server.url.replace('ws:', 'http:');
    expect((await fetch(base + '/')).status).toBe(426);
    expect((await fetch(base + '/x', { method: 'POST' })).status).toBe(404);
  });
});
