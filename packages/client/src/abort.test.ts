import { getEventListeners } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sleep, startApp, stopAllApps, type App } from './app-server.test-util.js';
import { NemesisClient } from './client.js';

let app: App;
const clients: NemesisClient[] = [];

beforeAll(async () => {
  app = await startApp();
});
afterEach(async () => {
  app.resume();
  await Promise.all(clients.splice(0).map((db) => db.close({ force: true })));
});
afterAll(stopAllApps);

async function connect(options?: ConstructorParameters<typeof NemesisClient>[1]): Promise<NemesisClient> {
  const db = await NemesisClient.connect(app.url, options);
  clients.push(db);
  return db;
}

function isAbortError(reason: unknown): boolean {
  return reason instanceof Error && reason.name === 'AbortError';
}

describe('aborting a call', () => {
  it('with an already aborted signal: rejects at once, sends nothing', async () => {
    const db = await connect();
    await db.kv.clear();
    const signal = AbortSignal.abort();
    await expect(db.kv.set({ never: 1 }, { signal })).rejects.toSatisfy(isAbortError);
    expect(db.pending).toBe(0);
    expect(await db.kv.contains('never')).toBe(false);
  });

  it('in flight: rejects at once; its reply is still read, so later calls get their own replies', async () => {
    const db = await connect();
    await db.kv.set({ a: 'A', b: 'B', c: 'C' });
    app.pause(); // replies are held back: all three are in flight when one is aborted
    const controller = new AbortController();
    const first = db.kv.get(['a'], { signal: controller.signal });
    const second = db.kv.get(['b']);
    const third = db.kv.get(['c'], { signal: new AbortController().signal });
    await sleep(20);
    controller.abort();
    await expect(first).rejects.toSatisfy(isAbortError);
    expect(db.pending).toBe(3); // the aborted request still waits for its reply
    app.resume();
    expect(await second).toEqual({ b: 'B' });
    expect(await third).toEqual({ c: 'C' });
    expect(db.pending).toBe(0);
  });

  it('rejects with the reason given to abort(), e.g. a timeout', async () => {
    const db = await connect();
    app.pause();
    const started = Date.now();
    const error = await db.kv.count({ signal: AbortSignal.timeout(100) }).catch((reason: unknown) => reason);
    expect((error as Error).name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(1_000);
    const controller = new AbortController();
    const custom = new Error('user navigated away');
    const call = db.kv.count({ signal: controller.signal });
    controller.abort(custom);
    await expect(call).rejects.toBe(custom);
    app.resume();
    expect(await db.kv.keys()).toEqual(expect.any(Array)); // the connection is still in step
  });

  it('while queued for a reconnect: the request is never sent', async () => {
    const own = await startApp();
    const db = await NemesisClient.connect(own.url, { reconnect: { initialDelayMs: 200, jitter: 0 } });
    clients.push(db);
    const reconnecting = new Promise((resolve) => db.once('reconnecting', resolve));
    await own.kill();
    await reconnecting;
    const controller = new AbortController();
    const queued = db.kv.set({ aborted: true }, { signal: controller.signal });
    controller.abort();
    await expect(queued).rejects.toSatisfy(isAbortError);
    const reconnected = new Promise((resolve) => db.once('connect', resolve));
    const again = await startApp({ port: own.port });
    await reconnected;
    expect(await db.kv.contains('aborted')).toBe(false);
    await again.stop();
  });

  it('one signal shared by many calls in flight aborts them all, with one listener on it', async () => {
    const db = await connect();
    await db.kv.set({ shared: 1 });
    app.pause();
    const controller = new AbortController();
    const calls = Array.from({ length: 30 }, () => db.kv.get(['shared'], { signal: controller.signal }));
    const settled = Promise.allSettled(calls);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    for (const result of await settled) expect((result as PromiseRejectedResult).reason).toSatisfy(isAbortError);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    app.resume();
    expect(await db.kv.get(['shared'])).toEqual({ shared: 1 }); // the 30 replies were read and dropped
    expect(db.pending).toBe(0);
  });

  it('does not keep listeners on a long-lived signal once calls settle', async () => {
    const db = await connect();
    const controller = new AbortController();
    await Promise.all(Array.from({ length: 50 }, () => db.kv.count({ signal: controller.signal })));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    controller.abort(); // rejects nothing: nothing is pending
    expect(db.pending).toBe(0);
    expect(await db.kv.count()).toEqual(expect.any(Number));
  });
});
