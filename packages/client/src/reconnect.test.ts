import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sleep, startApp, stopAllApps } from './app-server.test-util.js';
import { NemesisClient } from './client.js';
import { ConnectionError } from './errors.js';
import type { DisconnectEvent, ReconnectingEvent } from './events.js';

const clients: NemesisClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((db) => db.close({ force: true })));
  await stopAllApps();
});

/** Fast, deterministic backoff for tests. */
const quick = { initialDelayMs: 20, maxDelayMs: 100, jitter: 0 };

function track(db: NemesisClient): NemesisClient {
  clients.push(db);
  return db;
}

/** Resolves with the next event of that name. */
function next<E extends 'connect' | 'disconnect' | 'reconnecting' | 'close' | 'error'>(db: NemesisClient, event: E): Promise<unknown> {
  return new Promise((resolve) => db.once(event, ((payload?: unknown) => resolve(payload)) as never));
}

describe('losing the connection', () => {
  it('rejects the requests in flight with a ConnectionError and never re-sends them', async () => {
    const app = await startApp();
    const db = track(await NemesisClient.connect(app.url, { reconnect: quick }));
    app.pause(); // the server stops answering: everything written now stays in flight
    const inFlight = Array.from({ length: 20 }, (_, i) => db.kv.set({ [`lost${i}`]: i }));
    const settled = Promise.allSettled(inFlight);
    await sleep(50);
    expect(db.pending).toBe(20);
    await app.kill();
    for (const result of await settled) {
      expect(result.status).toBe('rejected');
      const reason = (result as PromiseRejectedResult).reason as ConnectionError;
      expect(reason).toBeInstanceOf(ConnectionError);
      expect(reason).toMatchObject({ failure: 'lost', sent: true, closeCode: 1006 });
      expect(reason.message).toMatch(/may have been executed and was not re-sent/);
    }
    // A new server on the same port: the client reconnects, and none of the lost writes arrive.
    const reconnected = next(db, 'connect');
    const again = await startApp({ port: app.port });
    await reconnected;
    expect(db.status).toBe('open');
    expect(await db.kv.count()).toBe(0);
    await again.stop();
  });

  it('reconnects with backoff, queues calls made meanwhile, and sends them once connected', async () => {
    const app = await startApp();
    const db = track(await NemesisClient.connect(app.url, { reconnect: quick }));
    const disconnects: DisconnectEvent[] = [];
    const attempts: ReconnectingEvent[] = [];
    const connects: unknown[] = [];
    db.on('disconnect', (event) => disconnects.push(event));
    db.on('reconnecting', (event) => attempts.push(event));
    db.on('connect', (event) => connects.push(event));
    const failures: unknown[] = [];
    db.on('error', (error) => failures.push(error));

    const reconnecting = next(db, 'reconnecting');
    await app.stop(); // graceful: the server closes connections with 1001
    await reconnecting;
    expect(disconnects).toEqual([{ url: app.url, code: 1001, reason: expect.any(String), willReconnect: true }]);
    expect(db.status).toBe('reconnecting');

    const queued = db.kv.set({ queued: true }); // not written: waits for the next connection
    await sleep(300); // several attempts fail while nothing listens
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(attempts.slice(0, 3).map((a) => [a.attempt, a.delayMs])).toEqual([
      [1, 20],
      [2, 40],
      [3, 80],
    ]);
    expect(failures[0]).toMatchObject({ name: 'ConnectionError', failure: 'connect' });

    const again = await startApp({ port: app.port });
    await queued;
    expect(connects).toEqual([{ url: app.url, reconnected: true }]);
    expect(await db.kv.get(['queued'])).toEqual({ queued: true });
    await again.stop();
  });

  it('with reconnect off, closes and rejects later calls', async () => {
    const app = await startApp();
    const db = track(await NemesisClient.connect(app.url, { reconnect: false }));
    const closed = next(db, 'close');
    await app.kill();
    await closed;
    expect(db.status).toBe('closed');
    await expect(db.kv.count()).rejects.toMatchObject({ name: 'ConnectionError', failure: 'closed' });
  });

  it('gives up after maxAttempts and rejects what was queued', async () => {
    const app = await startApp();
    const db = track(await NemesisClient.connect(app.url, { reconnect: { ...quick, maxAttempts: 2 } }));
    const reconnecting = next(db, 'reconnecting'); // listening first: the event may come before kill() returns
    await app.kill();
    await reconnecting;
    const queued = db.kv.count();
    const closed = next(db, 'close');
    await expect(queued).rejects.toThrow(/could not reconnect .* after 2 attempts/);
    await closed;
    expect(db.status).toBe('closed');
  });

  it('close() during reconnecting stops the attempts and rejects queued calls as never sent', async () => {
    const app = await startApp();
    const db = track(await NemesisClient.connect(app.url, { reconnect: { initialDelayMs: 10_000, jitter: 0, maxDelayMs: 10_000 } }));
    const reconnecting = next(db, 'reconnecting'); // listening first: the event may come before kill() returns
    await app.kill();
    await reconnecting;
    const queued = db.kv.count();
    await db.close();
    await expect(queued).rejects.toMatchObject({ name: 'ConnectionError', failure: 'closed', sent: false });
    expect(db.status).toBe('closed');
  });

  it('close() while the first connection is still opening ends the attempt at once: connect() and queued calls reject', async () => {
    const silent = createServer(() => {}); // accepts the TCP connection, never answers the handshake
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const db = new NemesisClient(`ws://127.0.0.1:${port}`, { connectTimeoutMs: 120_000 });
      const connecting = db.connect().catch((error: unknown) => error);
      const queued = db.kv.count().catch((error: unknown) => error);
      await sleep(100);
      expect(db.status).toBe('connecting');
      await db.close();
      // Generous against the 120 s the attempt would otherwise take to time out.
      const outcome = await Promise.race([connecting, sleep(20_000).then(() => 'still connecting')]);
      expect(outcome).toMatchObject({ name: 'ConnectionError', failure: 'closed' });
      expect(await queued).toMatchObject({ name: 'ConnectionError', sent: false });
      expect(db.status).toBe('closed');
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('rejects calls at once while disconnected when queueWhileDisconnected is off', async () => {
    const app = await startApp();
    const db = track(await NemesisClient.connect(app.url, { reconnect: quick, queueWhileDisconnected: false }));
    const reconnecting = next(db, 'reconnecting'); // listening first: the event may come before kill() returns
    await app.kill();
    await reconnecting;
    await expect(db.kv.count()).rejects.toMatchObject({ name: 'ConnectionError', failure: 'offline', sent: false });
  });

  it('a request larger than the server says it reads is refused alone, unsent; the connection and the calls beside it are kept', async () => {
    const app = await startApp({ args: ['--max-payload', '1024'] });
    const db = track(await NemesisClient.connect(app.url, { reconnect: quick }));
    let disconnects = 0;
    db.on('disconnect', () => disconnects++);
    // `{"KV_SET":{"keys":{"k":"…"}}}` is 28 bytes beside its value.
    const exactly = 'x'.repeat(1024 - 28);
    const [before, big, accented, atLimit, after] = await Promise.allSettled([
      db.kv.set({ before: 1 }),
      db.kv.set({ big: 'x'.repeat(4096) }),
      db.kv.set({ k: 'é'.repeat(600) }), // 600 UTF-16 units, 1,200 bytes of UTF-8
      db.kv.set({ k: exactly }),
      db.kv.set({ after: 2 }),
    ]);
    expect(big).toMatchObject({ status: 'rejected', reason: { name: 'RangeError' } });
    expect(((big as PromiseRejectedResult).reason as Error).message).toMatch(/4126 bytes not sent: .* up to 1024 bytes \(its maxPayload\)/);
    expect(accented).toMatchObject({ status: 'rejected', reason: { name: 'RangeError' } });
    for (const sent of [before, atLimit, after]) expect(sent.status).toBe('fulfilled');
    expect(await db.kv.get(['before', 'big', 'k', 'after'])).toEqual({ before: 1, k: exactly, after: 2 });
    expect(await db.sendRaw(`{"KV_GET":{"keys":["${'x'.repeat(1024)}"]}}`).catch((error: unknown) => error)).toBeInstanceOf(RangeError);
    expect(disconnects).toBe(0);
    expect(db.status).toBe('open');
  });

  it('a request larger than the server accepts, on a WebSocket that does not read its limit, closes with 1009; the client recovers', async () => {
    const app = await startApp({ args: ['--max-payload', '1024'] });
    // A WebSocket class of your own (here ws's, through the standard API) does not see the handshake's headers.
    const db = track(await NemesisClient.connect(app.url, { reconnect: quick, WebSocket: (await import('ws')).WebSocket }));
    const error = await db.kv.set({ big: 'x'.repeat(4096) }).catch((reason: unknown) => reason);
    expect(error).toMatchObject({ name: 'ConnectionError', failure: 'lost', closeCode: 1009 });
    expect((error as Error).message).toMatch(/maxPayload/);
    await db.kv.set({ small: 1 }); // queued until the reconnect, then sent
    expect(await db.kv.get(['small', 'big'])).toEqual({ small: 1 });
  });
});
