// The console in a real browser (headless Chromium, see browser.test-util.ts): the history of
// requests and replies across reloads, its limit, copying, and folding large JSON.
import { Engine } from '@nemesisdb/engine';
import { expect, it } from 'vitest';
import { BIG, COMPOSE, describeConsole, httpOrigin, open, send, snippet, startConsoleServer, withOwnServer } from './browser.test-util.js';

describeConsole('the console in a browser: the history of replies', (browser) => {
  it('keeps the history across a reload: ↑/↓ in the compose box, the replies, a filter', async () => {
    await withOwnServer(browser, startConsoleServer(), async (page, own, problems) => {
      await open(page, own);
      await send(page, '{"KV_SET":{"keys":{"a":1}}}');
      await send(page, '{"KV_GET":{"keys":["a"]}}');
      await send(page, '{"SH_INFO_ALL":{}}');
      await page.reload();
      await page.locator('body[data-connection="open"]').waitFor();
      const entries = page.locator('#replies > li');
      expect(await entries.count()).toBe(3);
      expect(await entries.first().locator('.request').textContent()).toBe('{"SH_INFO_ALL":{}}');
      expect(await entries.nth(1).locator('.response').textContent()).toContain('"a": 1');

      const compose = page.getByLabel(COMPOSE);
      await compose.fill('draft');
      await compose.press('ArrowUp');
      expect(await compose.inputValue()).toBe('{"SH_INFO_ALL":{}}');
      await compose.press('ArrowUp');
      expect(await compose.inputValue()).toBe('{"KV_GET":{"keys":["a"]}}');
      await compose.press('ArrowDown');
      await compose.press('End');
      await compose.press('ArrowDown');
      expect(await compose.inputValue()).toBe('draft');

      await page.getByLabel('Filter the replies').fill('kv_get');
      await expect.poll(() => entries.evaluateAll((items) => items.filter((item) => !(item as HTMLElement).hidden).length)).toBe(1);
      await page.getByLabel('Filter the replies').fill('');
      await entries.nth(1).getByRole('button', { name: 'Put this request in the compose box' }).click();
      expect(await compose.inputValue()).toBe('{"KV_GET":{"keys":["a"]}}');

      // Clear forgets both, also across a reload.
      await page.getByRole('button', { name: 'Clear', exact: true }).click();
      await page.reload();
      await page.locator('body[data-connection="open"]').waitFor();
      expect(await entries.count()).toBe(0);
      await compose.fill('x');
      await compose.press('ArrowUp');
      expect(await compose.inputValue()).toBe('x');
      expect(problems).toEqual([]);
    });
  }, 30_000);

  it('drops the oldest entries beyond 200 and says so', async () => {
    await withOwnServer(browser, startConsoleServer(), async (page, own) => {
      await open(page, own);
      await page.getByLabel(COMPOSE).fill('{"SH_INFO_ALL":{}}');
      // 205 sends as fast as the form takes them (pressing Ctrl+Enter 205 times would take long).
      await page.evaluate(() => {
        const form = document.getElementById('compose-form') as HTMLFormElement;
        for (let i = 0; i < 205; i++) form.requestSubmit();
      });
      await expect.poll(() => page.locator('#replies > li[data-state="ok"]').count(), { timeout: 20_000 }).toBe(200);
      await expect.poll(() => page.locator('#replies-notice').textContent()).toBe('Showing the latest 200: 5 older entries were dropped.');
    });
  }, 40_000);

  it('copies requests, replies and the token exactly, and folds large JSON', async () => {
    const ownEngine = new Engine();
    await withOwnServer(browser, startConsoleServer({ engine: ownEngine }), async (page, own, problems) => {
      await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: httpOrigin(own) });
      await open(page, own);
      const list = `[${Array.from({ length: 200 }, (_, i) => i).join(',')}]`;
      await send(page, `{"KV_SET":{"keys":{"list":${list},"big":${BIG}}}}`);
      const entry = await send(page, '{"KV_GET":{"keys":["list","big"]}}');
      // 200 items fold into one line until asked.
      const response = entry.locator('.response');
      expect(await response.textContent()).toContain('… 200 items');
      expect(await response.locator('.j-line:visible').count()).toBeLessThan(10);
      await response.getByRole('button', { name: '200 items', exact: true }).click();
      expect(await response.locator('.j-line:visible').count()).toBeGreaterThan(200);
      await response.getByRole('button', { name: '200 items', exact: true }).click();
      expect(await response.locator('.j-line:visible').count()).toBeLessThan(10);
      // Raw: the text exactly as received.
      await entry.getByRole('button', { name: 'Show the reply as received' }).click();
      const raw = (await response.locator('pre.raw').textContent()) ?? '';
      expect(raw).toBe(await ownEngine.execute('{"KV_GET":{"keys":["list","big"]}}'));
      expect(raw).toContain(`"big":${BIG}`);
      await browser.shot(page, '6-folded-json');

      await entry.getByRole('button', { name: 'Copy the reply as received' }).click();
      await expect.poll(() => entry.getByRole('button', { name: 'Copy the reply as received' }).textContent()).toBe('Copied');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(raw);
      await entry.getByRole('button', { name: 'Copy the request' }).click();
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('{"KV_GET":{"keys":["list","big"]}}');

      await snippet(page, 'SH_NEW');
      const token = (await page.locator('#last-token').textContent()) ?? '';
      await page.getByRole('button', { name: 'Copy the last session token' }).click();
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(token);
      expect(problems).toEqual([]);
    });
  }, 30_000);
});
