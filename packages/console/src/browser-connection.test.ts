// The console in a real browser (headless Chromium, see browser.test-util.ts): a server that asks
// for a token, a server that restarts, and how the page loads and comes back from the cache.
import type { NemesisServer } from '@nemesisdb/server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  COMPOSE,
  SECRET,
  describeConsole,
  httpOrigin,
  open,
  snippet,
  startConsoleServer,
  withOwnServer,
  withPage,
} from './browser.test-util.js';

describeConsole('the console in a browser: connecting, reconnecting, loading', (browser) => {
  let guarded: NemesisServer;

  beforeAll(async () => {
    guarded = await startConsoleServer({ authTokens: [SECRET] });
  });
  afterAll(async () => {
    await guarded?.close();
  });

  it('asks for the token of a server that requires one, refuses a wrong one, connects with the right one', async () => {
    await withPage(browser, async (page, problems) => {
      await page.goto(`${httpOrigin(guarded)}/`);
      await page.locator('body[data-connection="token"]').waitFor();
      expect(await page.locator('#connection-status').textContent()).toContain('requires a token');
      const field = page.getByLabel('Server token');
      expect(await field.isVisible()).toBe(true);
      await browser.shot(page, '4-token-required');

      await field.fill('not-the-token');
      await page.getByRole('button', { name: 'Connect' }).click();
      await expect.poll(() => page.locator('#connection-status').textContent()).toContain('refused this token');
      expect(guarded.connections).toBe(0);

      await field.fill(SECRET);
      await page.getByRole('button', { name: 'Connect' }).click();
      await page.locator('body[data-connection="open"]').waitFor();
      expect(await page.locator('#connection-status').textContent()).toContain('with a token');
      expect(await field.isVisible()).toBe(false);
      expect(guarded.connections).toBe(2); // the compose box's and the inspector's
      const reply = await snippet(page, 'SH_NEW');
      expect(await reply.locator('.status').textContent()).toBe('1 Ok');
      await expect.poll(() => page.locator('#countdown').textContent()).toBe('never expires');

      // The server view reads /metrics with the token too.
      await page.getByRole('button', { name: 'Server view' }).click();
      await expect.poll(() => page.locator('#chart-sessions .chart-now').textContent(), { timeout: 10_000 }).toBe('1');
      expect(await page.locator('#server-note').textContent()).toBe('');

      expect(problems).toEqual([]);
    });
  }, 30_000);

  it('reconnects by itself across a server restart, and re-checks the session it showed', async () => {
    const first = await startConsoleServer();
    const { port } = first;
    let second: NemesisServer | undefined;
    await withPage(browser, async (page, problems) => {
      try {
        await open(page, first);
        await snippet(page, 'SH_NEW');
        await expect.poll(() => page.locator('#countdown').textContent()).toBe('never expires');
        const token = (await page.locator('#last-token').textContent()) ?? '';
        expect(token).toMatch(/^\d+$/);

        await first.close();
        await page.locator('body[data-connection="reconnecting"]').waitFor();
        expect(await page.locator('#connection-status').textContent()).toMatch(/went away|lost|does not answer/);
        expect(await page.locator('#connection-status').textContent()).toMatch(/Retrying in/);
        // A dead server is not a server that wants a token; the wait can be skipped.
        expect(await page.getByLabel('Server token').isVisible()).toBe(false);
        expect(await page.getByRole('button', { name: 'Retry now' }).isVisible()).toBe(true);
        // Nothing counts down a session nobody can read.
        await expect.poll(() => page.locator('#inspector').getAttribute('data-state')).toBe('offline');
        await browser.shot(page, '5-reconnecting');
        // Sending meanwhile says so instead of failing silently.
        await page.getByLabel(COMPOSE).fill('{"SH_INFO_ALL":{}}');
        await page.getByRole('button', { name: 'Send', exact: true }).click();
        await expect.poll(() => page.locator('#compose-note').textContent()).toContain('Not connected');

        second = await startConsoleServer({ port });
        await page.locator('body[data-connection="open"]').waitFor({ timeout: 15_000 });
        expect(await page.getByLabel('Server token').isVisible()).toBe(false);
        // The new server has no such session: the inspector and the last token say so.
        await expect.poll(() => page.locator('#inspector').getAttribute('data-state')).toBe('gone');
        expect(await page.locator('#inspect-status').textContent()).toContain('after the reconnect');
        await expect.poll(() => page.locator('#last-token').textContent()).toContain('gone');
        expect(await page.getByRole('button', { name: 'Insert token' }).isDisabled()).toBe(true);
        // And the page works again.
        expect(await (await snippet(page, 'SH_INFO_ALL')).locator('.status').textContent()).toBe('1 Ok');
        expect(problems).toEqual([]);
      } finally {
        await first.close();
        await second?.close();
      }
    });
  }, 45_000);

  it('loads compressed, and coming back revalidates the page (304) and takes the hashed files from the cache', async () => {
    await withOwnServer(browser, startConsoleServer(), async (page, own) => {
      const seen: { path: string; status: number; encoding: string | undefined }[] = [];
      page.on('response', (response) => {
        const { pathname } = new URL(response.url());
        if (response.url().startsWith(httpOrigin(own)) && !pathname.startsWith('/health')) {
          seen.push({ path: pathname, status: response.status(), encoding: response.headers()['content-encoding'] });
        }
      });
      await open(page, own);
      const script = seen.find(({ path }) => /^\/console\.\w+\.js$/.test(path));
      expect(script).toMatchObject({ status: 200, encoding: 'br' });
      expect(seen.find(({ path }) => path === '/')).toMatchObject({ status: 200, encoding: 'br' });
      expect(seen.find(({ path }) => /^\/console\.\w+\.css$/.test(path))).toMatchObject({ status: 200, encoding: 'br' });

      // What went over the network on the way back: 304s, and what was served from the cache.
      const cdp = await browser.context.newCDPSession(page);
      await cdp.send('Network.enable');
      const statuses = new Map<string, number>();
      const urls = new Map<string, string>();
      const cached = new Set<string>();
      cdp.on('Network.requestWillBeSent', (event) => urls.set(event.requestId, new URL(event.request.url).pathname));
      // The status on the wire (responseReceived reports the cached 200 a 304 revalidated).
      cdp.on('Network.responseReceivedExtraInfo', (event) => statuses.set(urls.get(event.requestId) ?? '', event.statusCode));
      cdp.on('Network.requestServedFromCache', (event) => cached.add(urls.get(event.requestId) ?? ''));
      await page.goto(`${httpOrigin(own)}/`); // back to the console, as from a link or a bookmark
      await page.locator('body[data-connection="open"]').waitFor();
      expect(statuses.get('/')).toBe(304);
      // The hashed (immutable) files are not asked of the server again.
      const hashed = [...statuses.keys(), ...cached].filter((path) => /\.[0-9A-Za-z]{8,}\.(js|css)$/.test(path));
      expect(hashed.length).toBeGreaterThan(0);
      for (const path of hashed) expect(statuses.has(path), `${path} went over the network`).toBe(false);
      expect([...cached].some((path) => /^\/console\.\w+\.js$/.test(path))).toBe(true);
      await cdp.detach();
    });
  }, 30_000);
});
