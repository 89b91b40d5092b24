import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeAppsAndClients, connectToNewApp, nemesisError } from './app-server.test-util.js';
import type { NemesisClient } from './client.js';

const dirs: string[] = [];
afterAll(async () => {
  await closeAppsAndClients();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function connect(persistPath?: string): Promise<NemesisClient> {
  return connectToNewApp(persistPath === undefined ? {} : { persistPath });
}

describe('persistence', () => {
  it('without it, SAVE rejects with 14 (CommandDisabled) and LOAD of a missing dataset with 142', async () => {
    const db = await connect();
    expect((await db.server.info()).persistEnabled).toBe(false);
    expect(await nemesisError(db.kv.save('x'))).toMatchObject({ status: 14, statusName: 'CommandDisabled', command: 'KV_SAVE' });
    expect(await nemesisError(db.sessions.save('x'))).toMatchObject({ status: 14, statusName: 'CommandDisabled', command: 'SH_SAVE' });
    expect(await nemesisError(db.kv.load('missing'))).toMatchObject({ status: 142, statusName: 'LoadError', command: 'KV_LOAD' });
    expect(await nemesisError(db.sessions.load('missing'))).toMatchObject({ status: 142, statusName: 'LoadError', command: 'SH_LOAD' });
  });

  it('with it, saves and loads keys and sessions (success statuses 121 and 141)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nemesisdb-client-'));
    dirs.push(dir);
    const db = await connect(dir);
    await db.kv.set({ plain: 'v', big: 2n ** 60n + 3n });
    expect((await db.server.info()).persistEnabled).toBe(true);
    expect(await db.kv.save('keys')).toEqual({ name: 'keys', durationMs: expect.any(Number) });
    expect(await db.kv.clear()).toBe(2);
    expect(await db.kv.load('keys')).toEqual({ name: 'keys', keys: 2, durationMs: expect.any(Number) });
    expect(await db.kv.get(['plain', 'big'])).toEqual({ plain: 'v', big: 2n ** 60n + 3n });

    const kept = await db.sessions.create({ durationSeconds: 600, extendOnGet: true });
    const other = await db.sessions.create();
    await kept.set({ cart: ['apple'] });
    await other.set({ x: 1 });
    expect(await db.sessions.save('some', { tokens: [kept.token] })).toEqual({ name: 'some', durationMs: expect.any(Number) });
    expect(await db.sessions.save('all')).toEqual({ name: 'all', durationMs: expect.any(Number) });
    expect(await db.sessions.endAll()).toBe(2);
    expect(await db.sessions.load('some')).toEqual({ name: 'some', sessions: 1, keys: 1 });
    expect(await db.sessions.exists([kept.token, other.token])).toEqual([true, false]);
    expect(await db.sessions.open(kept.token).get(['cart'])).toEqual({ cart: ['apple'] });
    const info = await kept.info();
    expect(info.expires && info.expiry).toMatchObject({ durationSeconds: 600, extendOnGet: true });
    // Existing sessions are skipped: only `other` is added.
    expect(await db.sessions.load('all')).toEqual({ name: 'all', sessions: 1, keys: 1 });

    expect(await nemesisError(db.sessions.save('none', { tokens: [] }))).toMatchObject({ status: 42, command: 'SH_SAVE' });
    expect(await nemesisError(db.kv.load('missing'))).toMatchObject({ status: 142 });
  });
});
