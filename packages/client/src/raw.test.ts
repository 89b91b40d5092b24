import { afterEach, describe, expect, it } from 'vitest';
import { startApp, stopAllApps } from './app-server.test-util.js';
import { NemesisClient } from './client.js';
import { ConnectionError } from './errors.js';

const clients: NemesisClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((db) => db.close({ force: true })));
  await stopAllApps();
});

async function connect(): Promise<NemesisClient> {
  const app = await startApp();
  const db = await NemesisClient.connect(app.url, { reconnect: false });
  clients.push(db);
  return db;
}

describe('sendRaw', () => {
  it('sends the text as written and resolves with the reply text as received, 64-bit token included', async () => {
    const db = await connect();
    const created = await db.sendRaw('{"SH_NEW":{}}');
    const match = /^\{"SH_NEW_RSP":\{"st":1,"tkn":(\d+)\}\}$/.exec(created);
    expect(match, created).not.toBeNull();
    const token = match![1]!;
    // The token goes back as the same digits: nothing was parsed into a double on the way.
    expect(await db.sendRaw(`{"SH_INFO":{"tkn":${token}}}`)).toContain(`"tkn":${token}`);
  });

  it('takes any envelope: ERR for text that is not JSON, an unknown KV command', async () => {
    const db = await connect();
    expect(await db.sendRaw('{"SH_NEW":')).toBe('{"ERR":{"m":"","st":3}}');
    expect(await db.sendRaw('{"KV_NOPE":{}}')).toMatch(/^\{"ERR":\{.*"st":10/);
  });

  it('keeps the order of replies when raw and typed calls are mixed', async () => {
    const db = await connect();
    const [a, b, c] = await Promise.all([
      db.sendRaw('{"KV_SET":{"keys":{"rawOrder":1}}}'),
      db.kv.get(['rawOrder']),
      db.sendRaw('{"KV_COUNT":{}}'),
    ]);
    expect(a).toBe('{"KV_SET_RSP":{"st":1}}');
    expect(b).toEqual({ rawOrder: 1 });
    expect(c).toMatch(/^\{"KV_COUNT_RSP":/);
  });

  it('rejects with a ConnectionError when the client is closed', async () => {
    const db = await connect();
    await db.close();
    await expect(db.sendRaw('{"SV_INFO":{}}')).rejects.toBeInstanceOf(ConnectionError);
  });
});
