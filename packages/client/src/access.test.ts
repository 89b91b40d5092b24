import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from './app-server.test-util.js';
import { NemesisClient } from './client.js';
import { ConnectionError } from './errors.js';
import { secureAppFiles, type SecureAppFiles } from '@nemesisdb/test-utils';

const TOKEN = 'a-long-enough-secret-token';
let files: SecureAppFiles;
const apps: App[] = [];
const clients: NemesisClient[] = [];

beforeAll(() => {
  files = secureAppFiles('nemesisdb-client-access-', TOKEN);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await Promise.all(apps.splice(0).map((app) => app.stop()));
});
afterAll(() => files?.remove());

async function connect(url: string, options: ConstructorParameters<typeof NemesisClient>[1] = {}): Promise<NemesisClient> {
  const client = await NemesisClient.connect(url, { reconnect: false, ...options });
  clients.push(client);
  return client;
}

describe('a server that requires a token', () => {
  it('is reached with the token option, and refused without it', async () => {
    const app = await startApp({ args: files.tokenArgs });
    apps.push(app);
    const db = await connect(app.url, { token: TOKEN });
    expect(await db.kv.count()).toBe(0);
    await expect(connect(app.url)).rejects.toBeInstanceOf(ConnectionError);
    await expect(connect(app.url, { token: 'a-wrong-token-of-some-length' })).rejects.toBeInstanceOf(ConnectionError);
  });
});

describe('wss://', () => {
  it('connects with the CA of the server certificate, and a token', async () => {
    const app = await startApp({ args: [...files.tlsArgs, ...files.tokenArgs] });
    apps.push(app);
    expect(app.url).toMatch(/^wss:\/\//);
    const db = await connect(app.url, { token: TOKEN, tls: { ca: files.cert } });
    const session = await db.sessions.create();
    await session.set({ big: 2n ** 64n - 1n });
    expect(await session.get(['big'])).toEqual({ big: 2n ** 64n - 1n });
    await expect(connect(app.url, { token: TOKEN })).rejects.toBeInstanceOf(ConnectionError); // unknown CA
  });
});
