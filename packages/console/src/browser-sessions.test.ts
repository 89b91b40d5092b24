// The console in a real browser (headless Chromium, see browser.test-util.ts), used as a person
// would: snippet buttons, typing, Send, the inspector following a session until it expires.
import { Engine } from '@nemesisdb/engine';
import type { NemesisServer } from '@nemesisdb/server';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  BIG,
  COMPOSE,
  TWO_53,
  describeConsole,
  httpOrigin,
  open,
  send,
  snippet,
  startConsoleServer,
  withPage,
} from './browser.test-util.js';

describeConsole('the console in a browser: commands, replies and expiring sessions', (browser) => {
  const engine = new Engine();
  let server: NemesisServer;

  beforeAll(async () => {
    server = await startConsoleServer({ engine });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** {@link withPage} on the shared server, with a session of `expiry` created from the compose box. */
  function withNewSession(expiry: string, use: (page: Page, problems: string[]) => Promise<void>): Promise<void> {
    return withPage(browser, async (page, problems) => {
      await open(page, server);
      await send(page, `{"SH_NEW":{"expiry":${expiry}}}`);
      await use(page, problems);
    });
  }

  it('sends raw commands, shows exact tokens and replies, and watches a 2-second session expire', async () => {
    await withPage(browser, async (page, problems) => {
      await open(page, server);
      expect(await page.locator('#connection-status').textContent()).toContain(`Connected to ${server.url}/`);
      // The status line is announced without the coloured dot.
      expect(await page.getByRole('status').first().textContent()).toMatch(/^Connected/);

      // The tutorial's first step: SH_INFO_ALL from its button, answered with status, meaning, clock time and round trip.
      const infoAll = await snippet(page, 'SH_INFO_ALL');
      expect(await infoAll.getAttribute('data-envelope')).toBe('SH_INFO_ALL_RSP');
      expect(await infoAll.locator('.status').textContent()).toBe('1 Ok');
      expect(await infoAll.locator('.meaning').textContent()).toBe('success');
      expect(await infoAll.locator('.rtt').textContent()).toMatch(/^⇄ \d+\.\d+ ms$/);
      // Timed in a worker, off the main thread (wire-worker.ts).
      expect(await page.locator('body').getAttribute('data-compose-wire')).toBe('worker');
      expect(await infoAll.locator('.clock').textContent()).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/);
      expect(await infoAll.locator('.request').textContent()).toBe('{\n  "SH_INFO_ALL": {}\n}');
      expect(await infoAll.locator('.response').textContent()).toContain('"totalSessions": 0');
      // The command's name links to its docs, served by the server itself.
      const docs = await infoAll.locator('a.command').getAttribute('href');
      expect(docs).toBe('docs/commands/sh-info-all.md');
      const doc = await fetch(`${httpOrigin(server)}/${docs}`);
      expect(doc.status).toBe(200);
      expect(await doc.text()).toContain('# SH_INFO_ALL');

      // A session with a 2-second expiry, typed. Every set and get restarts its 2 seconds, so a slow
      // machine cannot lose it between steps; it expires 2 s after the inspector's last read.
      // (Tokens are random 64-bit numbers: one in 2048 is below 2^53, so create until one is above.)
      const create = '{"SH_NEW":{"expiry":{"duration":2,"deleteSession":true,"extendOnSetAdd":true,"extendOnGet":true}}}';
      let token = '';
      let created: Locator | undefined;
      for (let attempt = 0; attempt < 20 && !(token !== '' && BigInt(token) > TWO_53); attempt++) {
        created = await send(page, create);
        expect(await created.locator('.status').textContent()).toBe('1 Ok');
        await expect.poll(() => page.locator('#last-token').textContent()).not.toBe(token);
        token = (await page.locator('#last-token').textContent()) ?? '';
      }
      expect(token).toMatch(/^\d+$/);
      expect(BigInt(token)).toBeGreaterThan(TWO_53);
      // Shown exactly: in the reply, as the last token, in the inspector — and it is the server's.
      expect(await created!.locator('.response').textContent()).toContain(`"tkn": ${token}`);
      await expect.poll(() => page.locator('#inspect-current').textContent()).toBe(token);
      expect(await engine.execute(`{"SH_INFO":{"tkn":${token}}}`)).toMatch(
        new RegExp(`^\\{"SH_INFO_RSP":\\{.*"st":1,"tkn":${token}\\}\\}$`),
      );

      // SH_SET from its button (the token filled in), then a typed one with an integer above 2^53.
      await page.getByRole('button', { name: 'SH_SET', exact: true }).click();
      expect(await page.getByLabel(COMPOSE).inputValue()).toContain(`"tkn": ${token},`);
      expect(await (await send(page)).locator('.status').textContent()).toBe('1 Ok');
      const set = await send(page, `{"SH_SET":{"tkn":${token},"keys":{"big":${BIG}}}}`);
      expect(await set.locator('.status').textContent()).toBe('1 Ok');
      expect(await engine.execute(`{"SH_GET":{"tkn":${token},"keys":["big"]}}`)).toContain(`"big":${BIG}`);

      const got = await send(page, `{"SH_GET":{"tkn":${token},"keys":["big","forename"]}}`);
      expect(await got.getAttribute('data-envelope')).toBe('SH_GET_RSP');
      const gotText = (await got.locator('.response').textContent()) ?? '';
      expect(gotText).toContain(`"big": ${BIG}`);
      expect(gotText).toContain('"forename": "Billy"');

      // The last token goes into the compose box with one click, at the cursor. (Checked while the session
      // lives: once it has expired, a reconnect of the page may rightly forget the token.)
      const compose = page.getByLabel(COMPOSE);
      await compose.fill('{"SH_INFO":{"tkn":}}');
      await compose.evaluate((node: HTMLTextAreaElement) => node.setSelectionRange(18, 18));
      // The JSON check (250 ms after typing) adds a line above the button: waited for, so the click cannot land mid-shift.
      await expect.poll(() => page.locator('#compose-check').textContent()).toContain('Not JSON yet');
      await page.getByRole('button', { name: 'Insert token' }).click();
      expect(await compose.inputValue()).toBe(`{"SH_INFO":{"tkn":${token}}}`);

      // The inspector lists the keys with exact values and counts down.
      const inspector = page.locator('#inspector');
      await expect.poll(() => inspector.locator('tbody th').allTextContents()).toEqual(['big', 'forename', 'surname']);
      expect(await inspector.locator('tbody tr', { hasText: 'big' }).locator('pre').textContent()).toBe(BIG);
      expect(await page.locator('#countdown').textContent()).toMatch(/^[12] s$/);
      expect(await page.locator('#expiry-settings').textContent()).toContain('Duration 2 s');
      await browser.shot(page, '1-session-live');

      // Left alone, it expires: the countdown reaches 0, SH_INFO answers 100, the inspector says so.
      await inspector.and(page.locator('[data-state="expired"]')).waitFor({ timeout: 10_000 });
      expect(await page.locator('#countdown').textContent()).toBe('expired');
      expect(await page.locator('#inspect-status').textContent()).toContain('Expired');
      expect(await inspector.locator('tbody').textContent()).toContain('No keys.');
      expect(await engine.execute(`{"SH_INFO":{"tkn":${token}}}`)).toContain('"st":100');
      await browser.shot(page, '2-session-expired');

      // Asking about it now: 100, named and explained — and the inspector still says "expired".
      await page.getByRole('button', { name: 'SH_INFO', exact: true }).click();
      const info = await send(page);
      expect(await info.getAttribute('data-st')).toBe('100');
      expect(await info.locator('.status').textContent()).toBe('100 SessionNotExist');
      expect(await info.locator('.explain').textContent()).toContain('No session has this token');
      await page.waitForTimeout(300); // the inspector's re-read after a command naming its token
      expect(await inspector.getAttribute('data-state')).toBe('expired');
      expect(await page.locator('#countdown').textContent()).toBe('expired');

      // Independent keys, from their buttons.
      expect(await (await snippet(page, 'KV_SET')).locator('.status').textContent()).toBe('1 Ok');
      const kvGet = await snippet(page, 'KV_GET');
      expect(await kvGet.locator('.response').textContent()).toContain('"greeting": "hello"');

      // Whatever is typed is sent: the server's answer to text that is not JSON is shown, with where it breaks.
      await compose.fill('{\n  "SH_NEW": {\n    "expiry": {"duration": 60,}\n  }\n}');
      await expect.poll(() => page.locator('#compose-check').textContent()).toContain('line 3, column 31: expected a member name');
      const broken = await send(page);
      expect(await broken.getAttribute('data-envelope')).toBe('ERR');
      expect(await broken.locator('.status').textContent()).toBe('3 JsonInvalid');
      expect(await broken.locator('.explain').textContent()).toContain('At line 3, column 31: expected a member name.');

      // A 26 or 41 names the parameter, from the command's docs.
      const missing = await send(page, `{"SH_SET":{"tkn":${token}}}`);
      expect(await missing.locator('.status').textContent()).toBe('26 ParamMissing');
      expect(await missing.locator('.explain').textContent()).toContain('Missing: "keys" (required by SH_SET).');
      expect(await missing.locator('.explain').textContent()).toContain('The server says: “Missing parameter”.');
      const mistyped = await send(page, '{"KV_GET":{"keys":"greeting"}}');
      expect(await mistyped.locator('.status').textContent()).toBe('41 ValueTypeInvalid');
      expect(await mistyped.locator('.explain').textContent()).toMatch(/Wrong type: "keys" must be an array/);

      // A session that never expires says so.
      await page.getByRole('button', { name: 'SH_NEW', exact: true }).click();
      await send(page);
      await expect.poll(() => page.locator('#countdown').textContent()).toBe('never expires');
      await browser.shot(page, '3-replies');

      expect(await page.locator('#replies').getAttribute('aria-live')).toBe('polite');
      expect(problems).toEqual([]);
    });
  }, 60_000);

  it('counts a 3-second session down from 3 s, to the tenth of a second', async () => {
    await withNewSession('{"duration":3,"deleteSession":true}', async (page, problems) => {
      const countdown = page.locator('#countdown');
      await expect.poll(() => countdown.textContent()).toBe('3 s'); // SH_INFO says remaining 2 here
      // Each second shown in turn, then expired — never stuck at 0 s for a second. Every text the
      // countdown shows is recorded in the page as it changes (a test polling from outside could
      // miss a second on a loaded machine), with the page's clock.
      await countdown.evaluate((node) => {
        const shown: { text: string; at: number }[] = [{ text: node.textContent ?? '', at: performance.now() }];
        (window as unknown as { countdownShown: typeof shown }).countdownShown = shown;
        new MutationObserver(() => {
          const text = node.textContent ?? '';
          if (text !== shown[shown.length - 1]!.text) shown.push({ text, at: performance.now() });
        }).observe(node, { childList: true, characterData: true, subtree: true });
      });
      await expect.poll(() => countdown.textContent(), { timeout: 10_000 }).toBe('expired');
      const shown = await page.evaluate(() => (window as unknown as { countdownShown: { text: string; at: number }[] }).countdownShown);
      expect([...new Set(shown.map((step) => step.text))].filter((text) => text !== '0 s')).toEqual(['3 s', '2 s', '1 s', 'expired']);
      // The longest stretch at 0 s (each entry lasts until the next): the old countdown sat there for up to a second.
      const longestZero = Math.max(0, ...shown.slice(0, -1).map((step, i) => (step.text === '0 s' ? shown[i + 1]!.at - step.at : 0)));
      expect(longestZero).toBeLessThan(900);
      expect(shown[shown.length - 1]!.at - shown[0]!.at).toBeGreaterThan(2_000);
      expect(problems).toEqual([]);
    });
  }, 30_000);

  it('shows a deleteSession: false session losing its keys and living on', async () => {
    await withNewSession('{"duration":2,"deleteSession":false}', async (page, problems) => {
      await expect.poll(() => page.locator('#last-token').textContent()).toMatch(/^\d+$/);
      const token = (await page.locator('#last-token').textContent()) ?? '';
      expect(await (await send(page, `{"SH_SET":{"tkn":${token},"keys":{"otp":"123456"}}}`)).locator('.status').textContent()).toBe('1 Ok');
      const inspector = page.locator('#inspector');
      await expect.poll(() => inspector.locator('tbody th').allTextContents()).toEqual(['otp']);
      expect(await page.locator('#expiry-settings').textContent()).toContain('its keys are deleted, the session stays');

      await expect.poll(() => page.locator('#inspect-status').textContent(), { timeout: 10_000 }).toContain('A new expiry period began');
      expect(await inspector.getAttribute('data-state')).toBe('live');
      expect(await inspector.locator('tbody').textContent()).toContain('No keys.');
      expect(await page.locator('#countdown').textContent()).toMatch(/^[12] s$/);
      expect(await engine.execute(`{"SH_INFO":{"tkn":${token}}}`)).toContain('"keyCnt":0,"shared":false,"st":1');

      expect(problems).toEqual([]);
    });
  }, 30_000);
});
