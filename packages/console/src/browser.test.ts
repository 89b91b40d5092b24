// The console in a real browser: Debian's Chromium, headless, driven by playwright-core (which never
// downloads a browser here), opens the page a real server serves from CONSOLE_DIRECTORY and uses
// it as a person would: snippet buttons, typing, Send, the inspector. Screenshots of the main
// states go to a temporary folder whose path is printed.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

function httpOrigin(server: NemesisServer): string {
  return server.url.replace(/^ws:/, 'http:');
}

/** Everything a page reports that would mean something is wrong: errors, CSP violations. */
async function watch(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.text().startsWith('CSP ')) problems.push(`console: ${message.text()}`);
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
  if (text !== undefined) await page.getByLabel('Command (JSON, sent exactly as typed)').fill(text);
  const entries = page.locator('#replies > li');
  const before = await entries.count();
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.waitForFunction(
    (count) => {
      const items = document.querySelectorAll('#replies > li');
      return items.length === count && (items[0] as HTMLElement).dataset.state !== 'waiting';
    },
    before + 1,
  );
  return entries.first();
}

async function snippet(page: Page, label: string): Promise<Locator> {
  await page.getByRole('button', { name: label, exact: true }).click();
  return send(page);
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
    guarded = await startServer({ engine: new Engine(), host: '127.0.0.1', port: 0, staticDirectory: CONSOLE_DIRECTORY, authTokens: [SECRET] });
    profile = mkdtempSync(join(tmpdir(), 'nemesisdb-console-chromium-'));
    shots = mkdtempSync(join(tmpdir(), 'nemesisdb-console-screenshots-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1000, height: 860 },
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
    await page.goto(`${httpOrigin(server)}/`);
    await page.locator('body[data-connection="open"]').waitFor();
    expect(await page.locator('#connection-status').textContent()).toContain(`Connected to ${server.url}/`);

    // The tutorial's first step: SH_INFO_ALL from its button, answered with status, name and time.
    const infoAll = await snippet(page, 'SH_INFO_ALL');
    expect(await infoAll.getAttribute('data-envelope')).toBe('SH_INFO_ALL_RSP');
    expect(await infoAll.locator('.status').textContent()).toBe('1 Ok');
    expect(await infoAll.locator('.time').textContent()).toMatch(/^\d+\.\d ms$/);
    expect(await infoAll.locator('.request pre').textContent()).toBe('{\n  "SH_INFO_ALL": {}\n}');
    expect(await infoAll.locator('.response pre').textContent()).toContain('"totalSessions": 0');

    // A session with a 2-second expiry, typed. Every set and get restarts its 2 seconds, so a slow
    // machine cannot lose it between steps; it expires 2 s after the inspector's last read.
    // (Tokens are random 64-bit numbers: one in 2048 is below 2^53, so create until one is above.)
    const create = '{"SH_NEW":{"expiry":{"duration":2,"deleteSession":true,"extendOnSetAdd":true,"extendOnGet":true}}}';
    let token = '';
    let created: Locator | undefined;
    for (let attempt = 0; attempt < 20 && !(token !== '' && BigInt(token) > TWO_53); attempt++) {
      created = await send(page, create);
      expect(await created.locator('.status').textContent()).toBe('1 Ok');
      token = (await page.locator('#last-token').textContent()) ?? '';
    }
    expect(token).toMatch(/^\d+$/);
    expect(BigInt(token)).toBeGreaterThan(TWO_53);
    // Shown exactly: in the reply, as the last token, in the inspector — and it is the server's.
    expect(await created!.locator('.response pre').textContent()).toContain(`"tkn": ${token}`);
    await expect.poll(() => page.locator('#inspect-current').textContent()).toBe(token);
    expect(await engine.execute(`{"SH_INFO":{"tkn":${token}}}`)).toMatch(new RegExp(`^\\{"SH_INFO_RSP":\\{.*"st":1,"tkn":${token}\\}\\}$`));

    // SH_SET from its button (the token filled in), then a typed one with an integer above 2^53.
    await page.getByRole('button', { name: 'SH_SET', exact: true }).click();
    expect(await page.getByLabel('Command (JSON, sent exactly as typed)').inputValue()).toContain(`"tkn": ${token},`);
    expect(await (await send(page)).locator('.status').textContent()).toBe('1 Ok');
    const set = await send(page, `{"SH_SET":{"tkn":${token},"keys":{"big":${BIG}}}}`);
    expect(await set.locator('.status').textContent()).toBe('1 Ok');
    const stored = await engine.execute(`{"SH_GET":{"tkn":${token},"keys":["big"]}}`);
    expect(stored).toContain(`"big":${BIG}`);

    const got = await send(page, `{"SH_GET":{"tkn":${token},"keys":["big","forename"]}}`);
    expect(await got.getAttribute('data-envelope')).toBe('SH_GET_RSP');
    const gotText = (await got.locator('.response pre').textContent()) ?? '';
    expect(gotText).toContain(`"big": ${BIG}`);
    expect(gotText).toContain('"forename": "Billy"');

    // The inspector lists the keys with exact values and counts down.
    const inspector = page.locator('#inspector');
    await expect.poll(() => inspector.locator('tbody th').allTextContents()).toEqual(['big', 'forename', 'surname']);
    expect(await inspector.locator('tbody tr', { hasText: 'big' }).locator('pre').textContent()).toBe(BIG);
    expect(await page.locator('#countdown').textContent()).toMatch(/^[012] s$/);
    expect(await page.locator('#expiry-settings').textContent()).toContain('Duration 2 s');
    await shot(page, '1-session-live');

    // Left alone, it expires: the countdown reaches 0, SH_INFO answers 100, the inspector says so.
    await inspector.and(page.locator('[data-state="expired"]')).waitFor({ timeout: 10_000 });
    expect(await page.locator('#countdown').textContent()).toBe('expired');
    expect(await page.locator('#inspect-status').textContent()).toContain('Expired');
    expect(await inspector.locator('tbody').textContent()).toContain('No keys.');
    expect(await engine.execute(`{"SH_INFO":{"tkn":${token}}}`)).toContain('"st":100');
    await shot(page, '2-session-expired');

    // Asking about it now: 100, named.
    await page.getByRole('button', { name: 'SH_INFO', exact: true }).click();
    const info = await send(page);
    expect(await info.getAttribute('data-st')).toBe('100');
    expect(await info.locator('.status').textContent()).toBe('100 SessionNotExist');

    // The last token goes into the compose box with one click, at the cursor.
    const compose = page.getByLabel('Command (JSON, sent exactly as typed)');
    await compose.fill('{"SH_INFO":{"tkn":}}');
    await compose.evaluate((node: HTMLTextAreaElement) => node.setSelectionRange(18, 18));
    await page.getByRole('button', { name: 'Insert token' }).click();
    expect(await compose.inputValue()).toBe(`{"SH_INFO":{"tkn":${token}}}`);

    // Independent keys, from their buttons.
    expect(await (await snippet(page, 'KV_SET')).locator('.status').textContent()).toBe('1 Ok');
    const kvGet = await snippet(page, 'KV_GET');
    expect(await kvGet.locator('.response pre').textContent()).toContain('"greeting": "hello"');

    // Whatever is typed is sent: the server's answer to text that is not JSON is shown too.
    const broken = await send(page, '{"SH_NEW":');
    expect(await broken.getAttribute('data-envelope')).toBe('ERR');
    expect(await broken.locator('.status').textContent()).toBe('3 JsonInvalid');
    expect(await broken.locator('.note').textContent()).toContain('Not valid JSON');

    // A session that never expires says so.
    await page.getByRole('button', { name: 'SH_NEW', exact: true }).click();
    await send(page);
    await expect.poll(() => page.locator('#countdown').textContent()).toBe('never expires');
    await shot(page, '3-replies');

    expect(await page.locator('#replies').getAttribute('aria-live')).toBe('polite');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows a deleteSession: false session losing its keys and living on', async () => {
    const page = await context.newPage();
    const problems = await watch(page);
    await page.goto(`${httpOrigin(server)}/`);
    await page.locator('body[data-connection="open"]').waitFor();
    await send(page, '{"SH_NEW":{"expiry":{"duration":2,"deleteSession":false}}}');
    const token = (await page.locator('#last-token').textContent()) ?? '';
    expect(await (await send(page, `{"SH_SET":{"tkn":${token},"keys":{"otp":"123456"}}}`)).locator('.status').textContent()).toBe('1 Ok');
    const inspector = page.locator('#inspector');
    await expect.poll(() => inspector.locator('tbody th').allTextContents()).toEqual(['otp']);
    expect(await page.locator('#expiry-settings').textContent()).toContain('its keys are deleted, the session stays');

    await expect.poll(() => page.locator('#inspect-status').textContent(), { timeout: 10_000 }).toContain('A new expiry period began');
    expect(await inspector.getAttribute('data-state')).toBe('live');
    expect(await inspector.locator('tbody').textContent()).toContain('No keys.');
    expect(await page.locator('#countdown').textContent()).toMatch(/^[012] s$/);
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
    expect(guarded.connections).toBe(2); // the compose box's and the SDK client's
    const reply = await snippet(page, 'SH_NEW');
    expect(await reply.locator('.status').textContent()).toBe('1 Ok');
    await expect.poll(() => page.locator('#countdown').textContent()).toBe('never expires');

    expect(problems).toEqual([]);
    await page.close();
  }, 30_000);
});
