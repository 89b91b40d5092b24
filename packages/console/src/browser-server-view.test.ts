// The console in a real browser (headless Chromium, see browser.test-util.ts): the server view
// (its facts and live charts, under load) and the docs' screenshots in light and dark.
import { Engine } from '@nemesisdb/engine';
import { expect, it } from 'vitest';
import { COMPOSE, describeConsole, open, send, snippet, startConsoleServer, startLoad, withOwnServer } from './browser.test-util.js';

describeConsole('the console in a browser: the server view', (browser) => {
  it('looks right in light and dark, on a desktop and on a phone (the screenshots of the docs)', async () => {
    // On the default port when it is free, so that the pictures show what a reader will see.
    const start = (port: number) => startConsoleServer({ port });
    await withOwnServer(
      browser,
      start(1987).catch(() => start(0)),
      async (page, own, problems) => {
        await open(page, own);
        // A short session of work: the tutorial's steps, a large value, an error.
        await snippet(page, 'SH_NEW with expiry');
        await expect.poll(() => page.locator('#last-token').textContent()).toMatch(/^\d+$/);
        await snippet(page, 'SH_SET');
        await snippet(page, 'SH_GET');
        await send(
          page,
          `{"KV_SET":{"keys":{"readings":[${Array.from({ length: 120 }, (_, i) => (i * 7) % 100).join(',')}],"greeting":"hello"}}}`,
        );
        await send(page, '{"KV_GET":{"keys":["greeting","readings"]}}');
        const token = (await page.locator('#last-token').textContent()) ?? '';
        await send(page, `{"SH_SET":{"tkn":${token}}}`);
        await page.getByLabel(COMPOSE).fill('');
        await page.getByRole('button', { name: 'SH_INFO', exact: true }).click();
        await expect.poll(() => page.locator('#inspector tbody th').allTextContents()).toEqual(['forename', 'surname']);

        for (const scheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme: scheme });
          await page.setViewportSize({ width: 1280, height: 860 });
          await browser.shot(page, `console-${scheme}`);
          await page.setViewportSize({ width: 390, height: 844 });
          await browser.shot(page, `console-phone-${scheme}`);
        }

        // The server view under a little load, a few points in.
        await page.emulateMedia({ colorScheme: 'light' });
        await page.setViewportSize({ width: 1280, height: 860 });
        const load = await startLoad(
          own.url,
          (i) => [
            '{"SH_NEW":{}}',
            `{"KV_SET":{"keys":{"k${i}":${i + 1}}}}`,
            ...Array.from({ length: 20 + ((i + 1) % 30) }, () => '{"KV_GET":{"keys":["greeting"]}}'),
          ],
          25,
        );
        try {
          await page.getByRole('button', { name: 'Server view' }).click();
          await expect
            .poll(async () => Number(await page.locator('#chart-requests').getAttribute('data-points')), { timeout: 30_000 })
            .toBeGreaterThanOrEqual(8);
        } finally {
          await load.stop();
        }
        await browser.shot(page, 'console-server-light');
        await page.emulateMedia({ colorScheme: 'dark' });
        await page.waitForTimeout(300); // the charts are made again in the dark colours
        await browser.shot(page, 'console-server-dark');
        expect(problems).toEqual([]);
      },
    );
  }, 60_000);

  it('shows the server’s settings in the server view, and what needs attention (a failing journal)', async () => {
    const journaled = new Engine();
    // A journal that cannot be written, as on a full disk: the server reports it on /health.
    journaled.attachJournal({
      append: () => undefined,
      expired: () => {},
      durability: () => null,
      compact: async () => {},
      failure: { cause: 'ENOSPC: no space left on device', since: Date.now(), message: 'journal failing' },
    });
    await withOwnServer(browser, startConsoleServer({ engine: journaled }), async (page, own) => {
      await open(page, own);
      await page.getByRole('button', { name: 'Server view' }).click();
      const facts = page.locator('#server-facts');
      await expect
        .poll(() => facts.locator('dt').allTextContents(), { timeout: 10_000 })
        .toEqual(expect.arrayContaining(['Version', 'Protocol', 'Status', 'Up', 'Persistence', 'Journal']));
      expect(await facts.locator('dd.alarm').allTextContents()).toEqual([
        'degraded',
        expect.stringContaining('state: failed, cause: ENOSPC'),
      ]);
    });
  }, 30_000);

  it('charts the server live: requests/s, sessions, keys, connections, memory, under load', async () => {
    await withOwnServer(browser, startConsoleServer(), async (page, own, problems) => {
      await open(page, own);
      const toggle = page.getByRole('button', { name: 'Server view' });
      await toggle.click();
      expect(await toggle.getAttribute('aria-expanded')).toBe('true');
      const facts = page.locator('#server-facts');
      await expect.poll(() => facts.textContent(), { timeout: 10_000 }).toContain('NemesisDB 0.7.4');
      expect(await facts.textContent()).toContain('Persistence');

      // Load from another client: sessions and keys grow, requests flow.
      const load = await startLoad(
        own.url,
        (i) => ['{"SH_NEW":{}}', `{"KV_SET":{"keys":{"k${i}":1}}}`, ...Array.from({ length: 48 }, () => '{"SH_INFO_ALL":{}}')],
        20,
      );
      try {
        const requests = page.locator('#chart-requests');
        await expect.poll(async () => Number(await requests.getAttribute('data-points')), { timeout: 15_000 }).toBeGreaterThanOrEqual(4);
        const perSecond = (text: string | null) => parseFloat(text ?? '0') * (text?.endsWith('k') ? 1000 : 1);
        await expect
          .poll(async () => perSecond(await requests.locator('.chart-now').textContent()), { timeout: 10_000 })
          .toBeGreaterThan(50);
        expect(Number(await page.locator('#chart-sessions .chart-now').textContent())).toBeGreaterThan(0);
        expect(await page.locator('#chart-keys .chart-now').textContent()).toMatch(/^kv [1-9]/);
        expect(await page.locator('#chart-connections .chart-now').textContent()).toBe('3'); // the page's two and the load's
        expect(await page.locator('#chart-memory .chart-now').textContent()).toMatch(/^\d+(\.\d)? \/ \d+(\.\d)? MiB$/);
        expect(await page.locator('#chart-requests canvas').count()).toBeGreaterThan(0);
      } finally {
        await load.stop();
      }
      await browser.shot(page, '7-server-view');
      // Folded away, it stops polling.
      await toggle.click();
      const polls = await page.locator('#server').getAttribute('data-polls');
      await page.waitForTimeout(2_500);
      expect(await page.locator('#server').getAttribute('data-polls')).toBe(polls);
      expect(problems).toEqual([]);
    });
  }, 45_000);
});
