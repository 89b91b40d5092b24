// The console in a real browser: Debian's Chromium, headless, driven by playwright-core (which never
// downloads a browser here), opens the page a real server serves from CONSOLE_DIRECTORY and uses
// it as a person would: snippet buttons, typing, Send, the inspector, the history, the server
// view, a server restart. Screenshots of the main states go to a temporary folder whose path is
// printed, or to CONSOLE_SCREENSHOTS (the docs' images: `CONSOLE_SCREENSHOTS=../../docs/images`).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NemesisClient } from '@nemesisdb/client';
import { Engine } from '@nemesisdb/engine';
import { startServer, type NemesisServer } from '@nemesisdb/server';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_DIRECTORY } from './index.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];
const MISSING = `Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`;
const SECRET = 'a-long-enough-secret-token';
const TWO_53 = 2n ** 53n;
/** An integer above 2^53, typed into a command: it must reach the server as exactly this. */
const BIG = '16351792548006066062';
const COMPOSE = 'Command (JSON, sent exactly as typed)';

function httpOrigin(server: NemesisServer): string {
  return server.url.replace(/^ws:/, 'http:');
}

/** Everything a page reports that would mean something is wrong: errors, CSP violations. */
async function watch(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    // A refused or dead server is expected in some tests; Chromium logs the failed attempts.
    if (/WebSocket connection to .* failed|Failed to load resource|ERR_CONNECTION_REFUSED/.test(text)) return;
    if (message.type() === 'error' || text.startsWith('CSP ')) problems.push(`console: ${text}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.log(`CSP ${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  return problems;
}

/** Sends what is in the compose box (or `text`, typed first) and returns the new reply entry once answered. */
async function send(page: Page, text?: string): Promise<Locator> {
  if (text !== undefined) await page.getByLabel(COMPOSE).fill(text);
  const before = await page.evaluate(() => document.querySelector<HTMLElement>('#replies > li')?.dataset.id ?? null);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.waitForFunction((previous) => {
    const first = document.querySelector<HTMLElement>('#replies > li');
    return first !== null && first.dataset.id !== (previous ?? undefined) && first.dataset.state !== 'waiting';
  }, before);
  return page.locator('#replies > li').first();
}

async function snippet(page: Page, label: string): Promise<Locator> {
  await page.getByRole('button', { name: label, exact: true }).click();
  return send(page);
}

async function open(page: Page, server: NemesisServer): Promise<void> {
  await page.goto(`${httpOrigin(server)}/`);
  await page.locator('body[data-connection="open"]').waitFor();
}

describe('the console in a browser (headless Chromium)', () => {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI) {
      it('needs Chromium (CI must install it)', () => {
        throw new Error(MISSING);
      });
    } else {
      console.warn(`[browser test skipped] ${MISSING}`);
      it.skip(`skipped: ${MISSING}`, () => {});
    }
    return;
  }

  let engine: Engine;
  let server: NemesisServer;
  let guarded: NemesisServer;
  let context: BrowserContext;
  let profile: string;
  let shots: string;
  const written: string[] = [];

  async function shot(page: Page, name: string): Promise<void> {
    const path = join(shots, `${name}.png`);
    await page.screenshot({ path });
    written.push(path);
  }

  beforeAll(async () => {
    if (!existsSync(join(CONSOLE_DIRECTORY, 'index.html'))) {
      throw new Error(`the page is not built (${CONSOLE_DIRECTORY}): run \`pnpm build\` in packages/console`);
    }
    engine = new Engine();
    server = await startServer({ engine, host: '127.0.0.1', port: 0, staticDirectory: CONSOLE_DIRECTORY });
    guarded = await startServer({
      engine: new Engine(),
      host: '127.0.0.1',
      port: 0,
      staticDirectory: CONSOLE_DIRECTORY,
      authTokens: [SECRET],
    });
    profile = mkdtempSync(join(tmpdir(), 'nemesisdb-console-chromium-'));
    shots = process.env.CONSOLE_SCREENSHOTS
      ? resolve(process.env.CONSOLE_SCREENSHOTS)
      : mkdtempSync(join(tmpdir(), 'nemesisdb-console-screenshots-'));
    mkdirSync(shots, { recursive: true });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 860 },
      timeout: 30_000,
    });
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    await guarded?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    if (written.length > 0) console.log(`console screenshots:\n${written.map((path) => `  ${path}`).join('\n')}`);
  });

  it('sends raw commands, shows exact tokens and replies, and watches a 2-second session expire', async () => {
    const page = await context.newPage();
    const problems = await watch(page);
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
    expect(await engine.execute(`{"SH_INFO":{"tkn":${token}}}`)).toMatch(new RegExp(`^\\{"SH_INFO_RSP":\\{.*"st":1,"tkn":${token}\\}\\}$`));

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

    // The inspector lists the keys with exact values and counts down.
    const inspector = page.locator('#inspector');
    await expect.poll(() => inspector.locator('tbody th').allTextContents()).toEqual(['big', 'forename', 'surname']);
    expect(await inspector.locator('tbody tr', { hasText: 'big' }).locator('pre').textContent()).toBe(BIG);
    expect(await page.locator('#countdown').textContent()).toMatch(/^[12] s$/);
    expect(await page.locator('#expiry-settings').textContent()).toContain('Duration 2 s');
    await shot(page, '1-session-live');

    // Left alone, it expires: the countdown reaches 0, SH_INFO answers 100, the inspector says so.
    await inspector.and(page.locator('[data-state="expired"]')).waitFor({ timeout: 10_000 });
    expect(await page.locator('#countdown').textContent()).toBe('expired');
    expect(await page.locator('#inspect-status').textContent()).toContain('Expired');
    expect(await inspector.locator('tbody').textContent()).toContain('No keys.');
    expect(await engine.execute(`{"SH_INFO":{"tkn":${token}}}`)).toContain('"st":100');
    await shot(page, '2-session-expired');

    // Asking about it now: 100, named and explained — and the inspector still says "expired".
    await page.getByRole('button', { name: 'SH_INFO', exact: true }).click();
    const info = await send(page);
    expect(await info.getAttribute('data-st')).toBe('100');
    expect(await info.locator('.status').textContent()).toBe('100 SessionNotExist');
    expect(await info.locator('.explain').textContent()).toContain('No session has this token');
    await page.waitForTimeout(300); // the inspector's re-read after a command naming its token
    expect(await inspector.getAttribute('data-state')).toBe('expired');
    expect(await page.locator('#countdown').textContent()).toBe('expired');

    // The last token goes into the compose box with one click, at the cursor.
    const compose = page.getByLabel(COMPOSE);
    await compose.fill('{"SH_INFO":{"tkn":}}');
    await compose.evaluate((node: HTMLTextAreaElement) => node.setSelectionRange(18, 18));
    await page.getByRole('button', { name: 'Insert token' }).click();
    expect(await compose.inputValue()).toBe(`{"SH_INFO":{"tkn":${token}}}`);

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
    await shot(page, '3-replies');

    expect(await page.locator('#replies').getAttribute('aria-live')).toBe('polite');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('counts a 3-second session down from 3 s, to the tenth of a second', async () => {
    const page = await context.newPage();
    const problems = await watch(page);
    await open(page, server);
    await send(page, '{"SH_NEW":{"expiry":{"duration":3,"deleteSession":true}}}');
    const countdown = page.locator('#countdown');
    await expect.poll(() => countdown.textContent()).toBe('3 s'); // SH_INFO says remaining 2 here
    // Each second shown in turn, then expired — never stuck at 0 s for a second.
    const seen = new Set<string>();
    const started = Date.now();
    let zeroSince: number | undefined;
    let longestZero = 0;
    while (Date.now() - started < 8_000) {
      const text = (await countdown.textContent()) ?? '';
      seen.add(text);
      if (text === '0 s') zeroSince ??= Date.now();
      else if (zeroSince !== undefined) {
        longestZero = Math.max(longestZero, Date.now() - zeroSince);
        zeroSince = undefined;
      }
      if (text === 'expired') break;
      await page.waitForTimeout(50);
    }
    expect([...seen].filter((text) => text !== '0 s')).toEqual(['3 s', '2 s', '1 s', 'expired']);
    expect(longestZero).toBeLessThan(900); // the old countdown sat at 0 s for up to a second
    const lived = Date.now() - started;
    expect(lived).toBeGreaterThan(2_000);
    expect(problems).toEqual([]);
    await page.close();
  }, 30_000);

  it('shows a deleteSession: false session losing its keys and living on', async () => {
    const page = await context.newPage();
    const problems = await watch(page);
    await open(page, server);
    await send(page, '{"SH_NEW":{"expiry":{"duration":2,"deleteSession":false}}}');
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
    await page.close();
  }, 30_000);

  it('asks for the token of a server that requires one, refuses a wrong one, connects with the right one', async () => {
    const page = await context.newPage();
    const problems = await watch(page);
    await page.goto(`${httpOrigin(guarded)}/`);
    await page.locator('body[data-connection="token"]').waitFor();
    expect(await page.locator('#connection-status').textContent()).toContain('requires a token');
    const field = page.getByLabel('Server token');
    expect(await field.isVisible()).toBe(true);
    await shot(page, '4-token-required');

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
    await page.close();
  }, 30_000);

  it('reconnects by itself across a server restart, and re-checks the session it showed', async () => {
    const first = await startServer({ engine: new Engine(), host: '127.0.0.1', port: 0, staticDirectory: CONSOLE_DIRECTORY });
    const { port } = first;
    let second: NemesisServer | undefined;
    const page = await context.newPage();
    const problems = await watch(page);
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
      await shot(page, '5-reconnecting');
      // Sending meanwhile says so instead of failing silently.
      await page.getByLabel(COMPOSE).fill('{"SH_INFO_ALL":{}}');
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await expect.poll(() => page.locator('#compose-note').textContent()).toContain('Not connected');

      second = await startServer({ engine: new Engine(), host: '127.0.0.1', port, staticDirectory: CONSOLE_DIRECTORY });
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
      await page.close();
      await first.close();
      await second?.close();
    }
  }, 45_000);

  it('loads compressed, and coming back revalidates the page (304) and takes the hashed files from the cache', async () => {
    const own = await startServer({ engine: new Engine(), host: '127.0.0.1', port: 0, staticDirectory: CONSOLE_DIRECTORY });
    const page = await context.newPage();
    const seen: { path: string; status: number; encoding: string | undefined }[] = [];
    page.on('response', (response) => {
      const { pathname } = new URL(response.url());
      if (response.url().startsWith(httpOrigin(own)) && !pathname.startsWith('/health')) {
        seen.push({ path: pathname, status: response.status(), encoding: response.headers()['content-encoding'] });
      }
    });
    try {
      await open(page, own);
      const script = seen.find(({ path }) => /^\/console\.\w+\.js$/.test(path));
      expect(script).toMatchObject({ status: 200, encoding: 'br' });
      expect(seen.find(({ path }) => path === '/')).toMatchObject({ status: 200, encoding: 'br' });
      expect(seen.find(({ path }) => /^\/console\.\w+\.css$/.test(path))).toMatchObject({ status: 200, encoding: 'br' });

      // What went over the network on the way back: 304s, and what was served from the cache.
      const cdp = await context.newCDPSession(page);
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
    } finally {
      await page.close();
      await own.close();
    }
  }, 30_000);

  it('keeps the history across a reload: ↑/↓ in the compose box, the replies, a filter', async () => {
    const own = await startServer({ engine: new Engine(), host: '127.0.0.1', port: 0, staticDirectory: CONSOLE_DIRECTORY });
    const page = await context.newPage();
    const problems = await watch(page);
    try {
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
    } finally {
      await page.close();
      await own.close();
    }
  }, 30_000);

  it('drops the oldest entries beyond 200 and says so', async () => {
    const own = await startServer({ engine: new Engine(), host: '127.0.0.1', port: 0, staticDirectory: CONSOLE_DIRECTORY });
    const page = await context.newPage();
    try {
      await open(page, own);
      await page.getByLabel(COMPOSE).fill('{"SH_INFO_ALL":{}}');
      // 205 sends as fast as the form takes them (pressing Ctrl+Enter 205 times would take long).
      await page.evaluate(() => {
        const form = document.getElementById('compose-form') as HTMLFormElement;
        for (let i = 0; i < 205; i++) form.requestSubmit();
      });
      await expect.poll(() => page.locator('#replies > li[data-state="ok"]').count(), { timeout: 20_000 }).toBe(200);
      await expect.poll(() => page.locator('#replies-notice').textContent()).toBe('Showing the latest 200: 5 older entries were dropped.');
    } finally {
      await page.close();
      await own.close();
    }
  }, 40_000);

  it('copies requests, replies and the token exactly, and folds large JSON', async () => {
    const ownEngine = new Engine();
    const own = await startServer({ engine: ownEngine, host: '127.0.0.1', port: 0, staticDirectory: CONSOLE_DIRECTORY });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: httpOrigin(own) });
    const page = await context.newPage();
    const problems = await watch(page);
    try {
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
      await shot(page, '6-folded-json');

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
    } finally {
      await page.close();
      await own.close();
    }
  }, 30_000);

  it('looks right in light and dark, on a desktop and on a phone (the screenshots of the docs)', async () => {
    // On the default port when it is free, so that the pictures show what a reader will see.
    const start = (port: number) => startServer({ engine: new Engine(), host: '127.0.0.1', port, staticDirectory: CONSOLE_DIRECTORY });
    const own = await start(1987).catch(() => start(0));
    const page = await context.newPage();
    const problems = await watch(page);
    const db = await NemesisClient.connect(own.url);
    let loading = true;
    try {
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
        await shot(page, `console-${scheme}`);
        await page.setViewportSize({ width: 390, height: 844 });
        await shot(page, `console-phone-${scheme}`);
      }

      // The server view under a little load, a few points in.
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize({ width: 1280, height: 860 });
      const load = (async () => {
        let i = 0;
        while (loading) {
          await Promise.all([
            db.sendRaw('{"SH_NEW":{}}'),
            db.sendRaw(`{"KV_SET":{"keys":{"k${i++}":${i}}}}`),
            ...Array.from({ length: 20 + (i % 30) }, () => db.sendRaw('{"KV_GET":{"keys":["greeting"]}}')),
          ]);
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      })();
      await page.getByRole('button', { name: 'Server view' }).click();
      await expect
        .poll(async () => Number(await page.locator('#chart-requests').getAttribute('data-points')), { timeout: 30_000 })
        .toBeGreaterThanOrEqual(8);
      loading = false;
      await load;
      await shot(page, 'console-server-light');
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.waitForTimeout(300); // the charts are made again in the dark colours
      await shot(page, 'console-server-dark');
      expect(problems).toEqual([]);
    } finally {
      loading = false;
      await db.close();
      await page.close();
      await own.close();
    }
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
    const own = await startServer({ engine: journaled, host: '127.0.0.1', port: 0, staticDirectory: CONSOLE_DIRECTORY });
    const page = await context.newPage();
    try {
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
    } finally {
      await page.close();
      await own.close();
    }
  }, 30_000);

  it('charts the server live: requests/s, sessions, keys, connections, memory, under load', async () => {
    const own = await startServer({ engine: new Engine(), host: '127.0.0.1', port: 0, staticDirectory: CONSOLE_DIRECTORY });
    const page = await context.newPage();
    const problems = await watch(page);
    const db = await NemesisClient.connect(own.url);
    let loading = true;
    try {
      await open(page, own);
      const toggle = page.getByRole('button', { name: 'Server view' });
      await toggle.click();
      expect(await toggle.getAttribute('aria-expanded')).toBe('true');
      const facts = page.locator('#server-facts');
      await expect.poll(() => facts.textContent(), { timeout: 10_000 }).toContain('NemesisDB 0.7.4');
      expect(await facts.textContent()).toContain('Persistence');

      // Load from another client: sessions and keys grow, requests flow.
      const load = (async () => {
        let i = 0;
        while (loading) {
          await Promise.all([
            db.sendRaw('{"SH_NEW":{}}'),
            db.sendRaw(`{"KV_SET":{"keys":{"k${i++}":1}}}`),
            ...Array.from({ length: 48 }, () => db.sendRaw('{"SH_INFO_ALL":{}}')),
          ]);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      const requests = page.locator('#chart-requests');
      await expect.poll(async () => Number(await requests.getAttribute('data-points')), { timeout: 15_000 }).toBeGreaterThanOrEqual(4);
      const perSecond = (text: string | null) => parseFloat(text ?? '0') * (text?.endsWith('k') ? 1000 : 1);
      await expect.poll(async () => perSecond(await requests.locator('.chart-now').textContent()), { timeout: 10_000 }).toBeGreaterThan(50);
      expect(Number(await page.locator('#chart-sessions .chart-now').textContent())).toBeGreaterThan(0);
      expect(await page.locator('#chart-keys .chart-now').textContent()).toMatch(/^kv [1-9]/);
      expect(await page.locator('#chart-connections .chart-now').textContent()).toBe('3'); // the page's two and the load's
      expect(await page.locator('#chart-memory .chart-now').textContent()).toMatch(/^\d+(\.\d)? \/ \d+(\.\d)? MiB$/);
      expect(await page.locator('#chart-requests canvas').count()).toBeGreaterThan(0);
      loading = false;
      await load;
      await shot(page, '7-server-view');
      // Folded away, it stops polling.
      await toggle.click();
      const polls = await page.locator('#server').getAttribute('data-polls');
      await page.waitForTimeout(2_500);
      expect(await page.locator('#server').getAttribute('data-polls')).toBe(polls);
      expect(problems).toEqual([]);
    } finally {
      loading = false;
      await db.close();
      await page.close();
      await own.close();
    }
  }, 45_000);
});
