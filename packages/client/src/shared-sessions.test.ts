import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, stopAllApps, type App } from './app-server.test-util.js';
import { NemesisClient } from './client.js';
import { NemesisError } from './errors.js';
import { Session } from './sessions.js';

// Shared sessions (an extension of our server) through the SDK, against the real app: one with
// extensions on (the default), one started with --no-extensions (strict v0.7.4 answers).
let app: App;
let strict: App;
let db: NemesisClient;
let other: NemesisClient;

beforeAll(async () => {
  [app, strict] = await Promise.all([startApp(), startApp({ args: ['--no-extensions'] })]);
  [db, other] = await Promise.all([NemesisClient.connect(app.url), NemesisClient.connect(app.url)]);
});
afterAll(async () => {
  await Promise.all([db?.close(), other?.close()]);
  await stopAllApps();
});

let counter = 0;
const uniqueName = (what: string) => `${what}-${Date.now()}-${counter++}`;

describe('sessions.create({ shared }) and sessions.openShared', () => {
  it('creates a shared session that another client opens by name', async () => {
    const name = uniqueName('settings');
    const created = await db.sessions.create({ shared: name, durationSeconds: 600, deleteSessionOnExpire: true });
    expect(created).toBeInstanceOf(Session);
    await created.set({ theme: 'dark', big: 18446744073709551615n });
    const opened = await other.sessions.openShared(name);
    expect(opened?.token).toBe(created.token);
    expect(await opened!.get(['theme', 'big'])).toEqual({ theme: 'dark', big: 18446744073709551615n });
    expect(await opened!.info()).toMatchObject({ shared: true, expires: true, keyCount: 2 });
  });

  it('openShared answers null for a name no live shared session has, and after the session ended', async () => {
    const name = uniqueName('gone');
    expect(await db.sessions.openShared(name)).toBeNull();
    const created = await db.sessions.create({ shared: name });
    await created.end();
    expect(await other.sessions.openShared(name)).toBeNull();
  });

  it('create rejects with 103 when the name is taken, with the existing token in the response', async () => {
    const name = uniqueName('taken');
    const first = await db.sessions.create({ shared: name });
    const error = await other.sessions.create({ shared: name }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(NemesisError);
    expect((error as NemesisError).status).toBe(103);
    expect((error as NemesisError).statusName).toBe('SessionNewFail');
    expect(String((error as NemesisError).response.tkn)).toBe(first.token);
  });

  it('checks the name before sending anything', async () => {
    const before = await db.sessions.infoAll();
    await expect(db.sessions.create({ shared: '' })).rejects.toThrow(RangeError);
    await expect(db.sessions.create({ shared: 5 as never })).rejects.toThrow(TypeError);
    await expect(db.sessions.openShared('')).rejects.toThrow(RangeError);
    expect(await db.sessions.infoAll()).toEqual(before);
  });

  it('on a server with --no-extensions: create({ shared }) fails clearly and leaves nothing; openShared rejects with 10', async () => {
    const client = await NemesisClient.connect(strict.url);
    try {
      const before = await client.sessions.infoAll();
      await expect(client.sessions.create({ shared: uniqueName('strict') })).rejects.toThrow(/no shared sessions/);
      expect(await client.sessions.infoAll()).toEqual(before);
      const error = await client.sessions.openShared('x').then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect((error as NemesisError).status).toBe(10);
    } finally {
      await client.close();
    }
  });
});
