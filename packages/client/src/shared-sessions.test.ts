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

describe('session.setExpiry (SH_SET_EXPIRY)', () => {
  it('changes the lifetime in place: same token, keys and shared name, new settings from now', async () => {
    const name = uniqueName('remember');
    const session = await db.sessions.create({ shared: name, durationSeconds: 60, deleteSessionOnExpire: true });
    await session.set({ user: 'ada', big: 18446744073709551615n });
    await session.setExpiry({ durationSeconds: 30 * 24 * 3600, deleteSessionOnExpire: true, extendOnGet: true });
    const opened = await other.sessions.openShared(name);
    expect(opened?.token).toBe(session.token);
    expect(await opened!.info()).toEqual({
      token: session.token,
      keyCount: 2,
      shared: true,
      expires: true,
      expiry: {
        durationSeconds: 2_592_000,
        remainingSeconds: expect.toSatisfy((left: number) => left > 2_591_990) as number, // a new period from now
        deleteSessionOnExpire: true,
        extendOnSetAdd: false,
        extendOnGet: true,
      },
    });
    expect(await opened!.get(['user', 'big'])).toEqual({ user: 'ada', big: 18446744073709551615n });
  });

  it('{} makes the session never expire; a session that is gone rejects with 100', async () => {
    const session = await db.sessions.create({ durationSeconds: 60, deleteSessionOnExpire: true });
    await session.setExpiry({});
    expect(await session.info()).toMatchObject({ expires: false });
    await session.end();
    await expect(session.setExpiry({ durationSeconds: 5 })).rejects.toMatchObject({ status: 100 });
  });

  it('checks its options before sending, as create does', async () => {
    const session = db.sessions.open('1');
    await expect(session.setExpiry({ durationSeconds: -1 })).rejects.toThrow(RangeError);
    await expect(session.setExpiry({ extendOnGet: true })).rejects.toThrow(RangeError);
    await expect(session.setExpiry({ durationSeconds: 5, deleteSessionOnExpire: 'yes' as never })).rejects.toThrow(TypeError);
  });

  it('rejects with 10 on a server started with --no-extensions, which keeps the session as it was', async () => {
    const client = await NemesisClient.connect(strict.url);
    try {
      const session = await client.sessions.create({ durationSeconds: 60 });
      await expect(session.setExpiry({ durationSeconds: 5 })).rejects.toMatchObject({ status: 10 });
      expect(await session.info()).toMatchObject({ expires: true, expiry: { durationSeconds: 60 } });
    } finally {
      await client.close();
    }
  });
});
