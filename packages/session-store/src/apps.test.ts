// The guide's Express and Fastify apps, run exactly as written, over real HTTP with cookies,
// against the real nemesisdb app: on its in-memory store, and with --store redis on a throwaway
// Redis Cluster (there two nemesisdb servers share the cluster, and the restarted web app talks to
// the other one).
import { NemesisClient } from '@nemesisdb/client';
import { RedisCluster, findRedis } from '@nemesisdb/store-redis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser } from './testing/browser.test-util.js';
import { writeGuideExample } from './testing/guide.test-util.js';
import { sleep, startNemesis, startScript, stopAll, type Child } from './testing/processes.test-util.js';

const SECRET = 'a test secret that is long enough for fastify-session';
const frameworks = [
  { name: 'express', cookie: 'connect.sid' },
  { name: 'fastify', cookie: 'sessionId' },
] as const;

interface Backend {
  /** The servers web apps connect to: the restarted app uses the last one. */
  urls: string[];
  stop(): Promise<void>;
}

async function memoryBackend(): Promise<Backend> {
  const server = await startNemesis();
  return { urls: [server.url], stop: () => server.stop() };
}

async function redisBackend(): Promise<Backend> {
  const cluster = await RedisCluster.start(findRedis()!);
  const nodes = cluster.seeds.map(({ host, port }) => `${host}:${port}`).join(',');
  const args = ['--store', 'redis', '--redis-nodes', nodes, '--redis-key-prefix', 'web:'];
  const servers = await Promise.all([startNemesis(args), startNemesis(args)]);
  return {
    urls: servers.map((s) => s.url),
    async stop() {
      await Promise.all(servers.map((s) => s.stop()));
      await cluster.stop();
    },
  };
}

const backends: [string, () => Promise<Backend>][] = [['the in-memory store', memoryBackend]];
if (findRedis() !== undefined) backends.push(['--store redis on a Redis Cluster', redisBackend]);
else if (process.env.CI) throw new Error('redis-server is needed on CI');

afterAll(() => stopAll());

describe.each(backends)('on %s', (_name, startBackend) => {
  let backend: Backend;
  let db: NemesisClient;

  beforeAll(async () => {
    backend = await startBackend();
    db = await NemesisClient.connect(backend.urls[0]!);
  }, 60_000);

  afterAll(async () => {
    await db?.close();
    await backend?.stop();
  });

  describe.each(frameworks)('the guide’s $name app', ({ name, cookie }) => {
    const file = writeGuideExample(name);
    const start = (url = backend.urls[0]!, maxAgeMs = 3_600_000): Promise<Child> =>
      startScript(file, { NEMESISDB_URL: url, PORT: '0', SESSION_SECRET: SECRET, SESSION_MAX_AGE_MS: String(maxAgeMs) });

    it('logs in, reads the session on the next requests, and another service opens it by sid', async () => {
      const web = await start();
      try {
        const browser = new Browser(web.url);
        const login = await browser.post('/login', { user: 'ada' });
        expect(login.status).toBe(200);
        expect(browser.cookie(cookie)).toBeDefined();
        expect((await browser.get('/me')).json).toEqual({ user: 'ada', views: 1 });
        expect((await browser.get('/me')).json).toEqual({ user: 'ada', views: 2 });
        // Any client that knows the sid finds the web session: the shared session "sess:<sid>".
        const shared = await db.sessions.openShared(`sess:${String(login.json.sid)}`);
        expect(shared).not.toBeNull();
        expect(await shared!.get(['sess'])).toMatchObject({ sess: { user: 'ada', views: 2 } });
        expect(await shared!.info()).toMatchObject({ shared: true, expires: true, expiry: { deleteSessionOnExpire: true } });
        // A stranger has no session.
        expect((await new Browser(web.url).get('/me')).json).toEqual({ user: null, views: 1 });
      } finally {
        await web.stop();
      }
    });

    it('keeps the session across a restart of the web app', async () => {
      let web = await start();
      const browser = new Browser(web.url);
      await browser.post('/login', { user: 'grace' });
      expect((await browser.get('/me')).json).toEqual({ user: 'grace', views: 1 });
      await web.stop();
      // A new process (on the other nemesisdb server, when there are two): no cache, same cookie.
      web = await start(backend.urls.at(-1));
      try {
        browser.moveTo(web.url);
        expect((await browser.get('/me')).json).toEqual({ user: 'grace', views: 2 });
      } finally {
        await web.stop();
      }
    });

    it('logs out: the NemesisDB session is gone and the cookie opens nothing', async () => {
      const web = await start();
      try {
        const browser = new Browser(web.url);
        const sid = String((await browser.post('/login', { user: 'linus' })).json.sid);
        const old = browser.cookie(cookie)!;
        expect((await browser.post('/logout')).json).toEqual({ ok: true });
        expect(await db.sessions.openShared(`sess:${sid}`)).toBeNull();
        // Even replaying the old cookie.
        const replay = new Browser(web.url);
        replay.setCookie(cookie, old);
        expect((await replay.get('/me')).json).toMatchObject({ user: null });
      } finally {
        await web.stop();
      }
    });

    it('expires the cookie and the NemesisDB session together', async () => {
      const web = await start(backend.urls[0], 2_000);
      try {
        const browser = new Browser(web.url);
        const sid = String((await browser.post('/login', { user: 'margaret' })).json.sid);
        expect((await db.sessions.openShared(`sess:${sid}`))?.token).toBeDefined();
        expect((await browser.get('/me')).json).toMatchObject({ user: 'margaret' }); // renews: 2 s from now
        await sleep(2_600);
        // The browser still sends its (expired) cookie; the session is gone on the server too.
        expect(await db.sessions.openShared(`sess:${sid}`)).toBeNull();
        expect((await browser.get('/me')).json).toMatchObject({ user: null });
      } finally {
        await web.stop();
      }
    });

    it('serves many users at once, each with their own session', async () => {
      const web = await start();
      try {
        const users = Array.from({ length: 40 }, (_, i) => ({ name: `user${i}`, browser: new Browser(web.url) }));
        await Promise.all(users.map((u) => u.browser.post('/login', { user: u.name })));
        // Each user's requests at once, all users at once.
        const replies = await Promise.all(
          users.flatMap((u) => Array.from({ length: 4 }, () => u.browser.get('/me').then((r) => [u.name, r.json] as const))),
        );
        for (const [user, json] of replies) expect(json.user).toBe(user);
        const last = await Promise.all(users.map((u) => u.browser.get('/me')));
        last.forEach((reply, i) => expect(reply.json.user).toBe(users[i]!.name));
      } finally {
        await web.stop();
      }
    });
  });
});
