import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { startApp, stopAllApps, type App } from './app-server.test-util.js';
import { NemesisClient } from './client.js';
import { ConnectionError, ProtocolError, type NemesisError } from './errors.js';
import type { WebSocketConstructor } from './wire.js';

let app: App;
const clients: NemesisClient[] = [];

/** A client that is closed after the test. */
async function connect(url = app.url, options?: ConstructorParameters<typeof NemesisClient>[1]): Promise<NemesisClient> {
  const db = await NemesisClient.connect(url, options);
  clients.push(db);
  return db;
}

beforeAll(async () => {
  app = await startApp();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((db) => db.close({ force: true })));
});
afterAll(stopAllApps);

/** A port nothing listens on. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('connecting', () => {
  it('connects, answers SV_INFO and closes', async () => {
    const db = await connect();
    expect(db.status).toBe('open');
    expect(db.url).toBe(app.url);
    expect(await db.server.info()).toEqual({ serverVersion: expect.any(String), persistEnabled: false });
    await db.close();
    expect(db.status).toBe('closed');
    await db.close(); // idempotent
  });

  it('emits connect, disconnect and close; listeners can be attached before connecting', async () => {
    const seen: string[] = [];
    const db = new NemesisClient(app.url);
    clients.push(db);
    db.on('connect', (event) => seen.push(`connect reconnected=${event.reconnected}`));
    db.on('disconnect', (event) => seen.push(`disconnect ${event.code} willReconnect=${event.willReconnect}`));
    db.once('close', () => seen.push('close'));
    const listener = () => seen.push('never');
    db.on('reconnecting', listener).off('reconnecting', listener);
    expect(db.status).toBe('idle');
    await expect(db.kv.count()).rejects.toMatchObject({ name: 'ConnectionError', failure: 'offline' });
    expect(await db.connect()).toBe(db);
    await db.close();
    expect(seen).toEqual(['connect reconnected=false', 'disconnect 1000 willReconnect=false', 'close']);
    await expect(db.connect()).rejects.toThrow(/connect\(\) can be called once/);
  });

  it('rejects with a ConnectionError when nothing listens', async () => {
    const url = `ws://127.0.0.1:${await freePort()}`;
    const error = await NemesisClient.connect(url).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ failure: 'connect', url, sent: false });
    expect((error as Error).message).toMatch(/could not connect to .*ECONNREFUSED/);
  });

  it('times out a connection that never opens', async () => {
    // A TCP server that accepts and never answers the WebSocket handshake.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const started = Date.now();
      const error = await NemesisClient.connect(`ws://127.0.0.1:${port}`, { connectTimeoutMs: 200 }).catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as Error).message).toMatch(/no answer within 200 ms/);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      silent.close();
    }
  });

  it('refuses URLs that are not ws:// or wss://, and bad options', () => {
    expect(() => new NemesisClient('http://127.0.0.1:1987')).toThrow(TypeError);
    expect(() => new NemesisClient('not a url')).toThrow(TypeError);
    expect(() => new NemesisClient('ws://127.0.0.1:1', { connectTimeoutMs: 0 })).toThrow(RangeError);
    expect(() => new NemesisClient('ws://127.0.0.1:1', { reconnect: { jitter: 3 } })).toThrow(RangeError);
  });

  it('works with any standard WebSocket class (the browser code path)', async () => {
    const db = await connect(app.url, { WebSocket: WebSocket as unknown as WebSocketConstructor });
    await db.kv.set({ std: 2n ** 63n });
    expect(await db.kv.get(['std'])).toEqual({ std: 2n ** 63n });
  });
});

describe('pipelining', () => {
  it('keeps thousands of requests in flight on one connection, each with its own reply', async () => {
    const db = await connect();
    const s = await db.sessions.create();
    const n = 2_000;
    const writes = Array.from({ length: n }, (_, i) => s.set({ [`k${i}`]: i }));
    const reads = Array.from({ length: n }, (_, i) => s.get([`k${i}`]));
    expect(db.pending).toBeGreaterThan(0);
    await Promise.all(writes);
    const values = await Promise.all(reads);
    values.forEach((value, i) => expect(value).toEqual({ [`k${i}`]: i }));
    expect(db.pending).toBe(0);
  });

  it('matches ERR replies and error statuses to their requests in order', async () => {
    const db = await connect();
    await db.kv.set({ k: { a: 1 } });
    const results = await Promise.allSettled([
      db.kv.get(['k']),
      db.kv.update('k', '$[', 1), // {"ERR":{"m":"","st":1000}}
      db.kv.contains('k'),
      db.command('KV_SETQ' as never, { keys: {} } as never), // unknown KV command: {"ERR":{"m":"","st":10}}
      db.kv.update('absent', '$', 1), // KV_UPDATE_RSP st 22
      db.sessions.open('1').get(['x']), // SH_GET_RSP st 100
      db.kv.get(['k']),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as NemesisError).status))).toEqual([
      { k: { a: 1 } },
      1000,
      true,
      10,
      22,
      100,
      { k: { a: 1 } },
    ]);
    const err = (results[1] as PromiseRejectedResult).reason as NemesisError;
    expect(err).toMatchObject({ envelope: 'ERR', command: 'KV_UPDATE', statusName: 'Unknown', response: { m: '', st: 1000 } });
  });
});

describe('raw commands', () => {
  it('sends any command and returns the parsed success body (tokens as bigint)', async () => {
    const db = await connect();
    const created = await db.command('SH_NEW', { expiry: { duration: 60, extendOnGet: true } });
    expect(created.st).toBe(1);
    expect(typeof created.tkn).toBe('bigint');
    // A token given as a string is sent as an integer literal (v0.7.4 rejects quoted tokens).
    await db.command('SH_SET', { tkn: String(created.tkn), keys: { a: 1 } });
    expect(await db.command('SH_GET', { tkn: created.tkn, keys: ['a'] })).toEqual({ keys: { a: 1 }, st: 1 });
    expect(await db.command('SH_EXISTS', { tkns: [String(created.tkn), '1'] })).toEqual({ exist: [created.tkn], st: 1 });
    const error = await db.command('SH_NEW', { expiry: { duration: -5 } }).catch((reason: unknown) => reason);
    expect(error).toMatchObject({ status: 41, serverMessage: 'Param type incorrect', command: 'SH_NEW' });
  });
});

describe('closing', () => {
  it('waits for the replies already due, then closes; later calls reject', async () => {
    const db = await connect();
    const pending = Array.from({ length: 100 }, (_, i) => db.kv.set({ [`c${i}`]: i }));
    const closed = db.close();
    expect(db.status).toBe('closing');
    await expect(db.kv.count()).rejects.toMatchObject({ failure: 'closed' });
    await Promise.all(pending);
    await closed;
    await expect(db.kv.count()).rejects.toBeInstanceOf(ConnectionError);
  });

  it('with force, rejects the requests in flight at once', async () => {
    const db = await connect();
    const settled = Promise.allSettled(Array.from({ length: 50 }, () => db.kv.count()));
    await db.close({ force: true });
    const results = await settled;
    // The first few may have been answered already; the rest were rejected, marked as sent.
    const rejected = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason);
    expect(rejected.length).toBeGreaterThan(0);
    for (const reason of rejected) expect(reason).toMatchObject({ name: 'ConnectionError', failure: 'closed', sent: true });
  });
});

describe('a server that misbehaves (a plain ws server standing in for a broken one)', () => {
  let server: WebSocketServer;
  let url: string;
  let answer: (socket: WebSocket, text: string) => void;

  beforeAll(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    url = `ws://127.0.0.1:${(server.address() as { port: number }).port}`;
    server.on('connection', (socket) => socket.on('message', (data) => answer(socket, data.toString())));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('an unreadable reply fails that request only', async () => {
    let n = 0;
    answer = (socket) => socket.send(n++ === 0 ? 'not json' : '{"KV_COUNT_RSP":{"cnt":7,"st":1}}');
    const db = await connect(url, { reconnect: false });
    const [first, second] = await Promise.allSettled([db.kv.count(), db.kv.count()]);
    expect((first as PromiseRejectedResult).reason).toBeInstanceOf(ProtocolError);
    expect(second).toEqual({ status: 'fulfilled', value: 7 });
  });

  it('a reply for another command drops the connection: nobody gets someone else’s answer', async () => {
    answer = (socket) => socket.send('{"KV_GET_RSP":{"keys":{},"st":1}}');
    const db = await connect(url, { reconnect: false });
    const errors: unknown[] = [];
    db.on('error', (error) => errors.push(error));
    const [first, second] = await Promise.allSettled([db.kv.count(), db.kv.count()]);
    expect((first as PromiseRejectedResult).reason).toBeInstanceOf(ProtocolError);
    expect((second as PromiseRejectedResult).reason).toMatchObject({ name: 'ConnectionError', failure: 'lost', sent: true });
    expect(errors[0]).toBeInstanceOf(ProtocolError);
    expect(db.status).toBe('closed');
  });

  it('a success reply of the wrong shape is a ProtocolError', async () => {
    answer = (socket) => socket.send('{"KV_COUNT_RSP":{"count":1,"st":1}}');
    const db = await connect(url, { reconnect: false });
    await expect(db.kv.count()).rejects.toThrow(/KV_COUNT does not have the protocol's shape/);
  });
});
