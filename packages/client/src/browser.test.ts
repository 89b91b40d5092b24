// The SDK in a real browser: Debian's Chromium, headless, driven by playwright-core (which never
// downloads a browser here), loads the standalone bundle from a tiny HTTP server and talks to the
// real server app through the browser's own WebSocket.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInChromium, launchChromium, type ChromiumSession } from '@nemesisdb/test-utils';
import { startApp, stopAllApps, type App } from './app-server.test-util.js';

const BUNDLE = fileURLToPath(new URL('../dist/nemesisdb.global.js', import.meta.url));

// What runs in the page. A plain script (not a function of this file) so that no transpiler
// helper ends up in code the browser evaluates.
const SCENARIO = `async (url) => {
  const { NemesisClient, NemesisError } = window.NemesisDB;
  const out = { events: [] };
  const db = new NemesisClient(url);
  db.on('connect', (e) => out.events.push('connect:' + e.reconnected));
  await db.connect();
  out.server = await db.server.info();

  // A token above 2^53 (almost every token is; create until one is, to be certain).
  const TWO_53 = 2n ** 53n;
  let s = await db.sessions.create({ durationSeconds: 600, extendOnGet: true });
  for (let i = 0; i < 20 && BigInt(s.token) <= TWO_53; i++) s = await db.sessions.create({ durationSeconds: 600 });
  out.token = s.token;
  out.tokenType = typeof s.token;

  const big = 2n ** 64n - 3n;
  await s.set({ big, nested: { list: [TWO_53 + 1n, 'x'] }, text: 'héllo ✓', n: 42 });
  const got = await s.get(['big', 'nested', 'text', 'n', 'absent']);
  out.bigType = typeof got.big;
  out.big = String(got.big);
  out.nestedBig = String(got.nested.list[0]);
  out.text = got.text;
  out.n = got.n;
  out.absentLeftOut = !('absent' in got);
  // Reopened from the token string alone, as from a cookie.
  out.reopened = String((await db.sessions.open(String(s.token)).get(['big'])).big);
  // Pipelined: many requests in flight, each with its own reply.
  const many = await Promise.all(Array.from({ length: 200 }, (_, i) => s.set({ ['k' + i]: i }).then(() => s.get(['k' + i]))));
  out.pipelinedOk = many.every((value, i) => value['k' + i] === i);

  // A 1-second session expires (deleteSessionOnExpire: the token stops working).
  const short = await db.sessions.create({ durationSeconds: 1, deleteSessionOnExpire: true });
  await short.set({ a: 1 });
  out.existsBefore = await db.sessions.exists(short.token);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  out.existsAfter = await db.sessions.exists(short.token);
  try {
    await short.get(['a']);
    out.expiredGet = 'resolved';
  } catch (error) {
    out.expiredGet = error instanceof NemesisError ? error.status + ' ' + error.statusName : String(error);
  }
  await db.close();
  out.status = db.status;
  return out;
}`;

const PAGE = `<!doctype html><meta charset="utf-8"><title>nemesisdb client</title><script src="/nemesisdb.global.js"></script>`;

function serveStatic(): Promise<{ server: Server; origin: string }> {
  const bundle = readFileSync(BUNDLE);
  const server = createServer((request, response) => {
    if (request.url === '/nemesisdb.global.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(bundle);
    } else if (request.url === '/' || request.url === '/index.html') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    } else {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as { port: number }).port}` })),
  );
}

describeInChromium('in a browser (headless Chromium)', () => {
  let app: App;
  let http: { server: Server; origin: string };
  let browser: ChromiumSession<BrowserContext>;

  beforeAll(async () => {
    if (!existsSync(BUNDLE)) throw new Error(`the browser bundle is not built (${BUNDLE}): run \`pnpm build\` in packages/client`);
    app = await startApp();
    http = await serveStatic();
    browser = await launchChromium(chromium, 'nemesisdb-chromium-');
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (http ? http.server.close(resolve) : resolve(undefined)));
    await stopAllApps();
  });

  it('the bundle has no trace of the Node WebSocket library', () => {
    const bundle = readFileSync(BUNDLE, 'utf8');
    expect(bundle).not.toMatch(/require\(["']ws["']\)|from\s*["']ws["']|import\(["']ws["']\)/);
  });

  it('creates a session, keeps a token and integers above 2^53 exact, and sees a 1-second session expire', async () => {
    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${http.origin}/`);
    expect(await page.evaluate('typeof window.WebSocket')).toBe('function');
    const out = (await page.evaluate(`(${SCENARIO})(${JSON.stringify(app.url)})`)) as Record<string, unknown>;

    expect(out.events).toEqual(['connect:false']);
    expect(out.server).toEqual({ serverVersion: expect.any(String), persistEnabled: false });
    expect(out.tokenType).toBe('string');
    expect(BigInt(out.token as string)).toBeGreaterThan(2n ** 53n);
    expect(out).toMatchObject({
      bigType: 'bigint',
      big: String(2n ** 64n - 3n),
      nestedBig: String(2n ** 53n + 1n),
      text: 'héllo ✓',
      n: 42,
      absentLeftOut: true,
      reopened: String(2n ** 64n - 3n),
      pipelinedOk: true,
      existsBefore: true,
      existsAfter: false,
      expiredGet: '100 SessionNotExist',
      status: 'closed',
    });
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 60_000);
});
