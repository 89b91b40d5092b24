// What the console's browser tests share: headless Chromium on the built page (with screenshots),
// servers that serve it, and the page's moves as a person makes them (send, a snippet button).
// Screenshots of the main states go to a temporary folder whose path is printed, or to
// CONSOLE_SCREENSHOTS (the docs' images: `CONSOLE_SCREENSHOTS=../../docs/images`).
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NemesisClient } from '@nemesisdb/client';
import { Engine } from '@nemesisdb/engine';
import { startServer, type NemesisServer } from '@nemesisdb/server';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
// By path: the console is not linked to the private @nemesisdb/test-utils package (that takes an install).
import { describeInChromium, launchChromium, type ChromiumSession } from '@nemesisdb/test-utils';
import { CONSOLE_DIRECTORY } from './index.js';

export const SECRET = 'a-long-enough-secret-token';
export const TWO_53 = 2n ** 53n;
/** An integer above 2^53, typed into a command: it must reach the server as exactly this. */
export const BIG = '16351792548006066062';
export const COMPOSE = 'Command (JSON, sent exactly as typed)';

export function httpOrigin(server: NemesisServer): string {
  return server.url.replace(/^ws:/, 'http:');
}

/** A server on 127.0.0.1 serving the built console, on a free port unless given one. */
export function startConsoleServer(options: { engine?: Engine; port?: number; authTokens?: string[] } = {}): Promise<NemesisServer> {
  const { engine = new Engine(), port = 0, authTokens } = options;
  return startServer({ engine, host: '127.0.0.1', port, staticDirectory: CONSOLE_DIRECTORY, ...(authTokens ? { authTokens } : {}) });
}

export interface ConsoleBrowser {
  /** The browser, once the file's beforeAll has run. */
  readonly context: BrowserContext;
  /** Saves a screenshot of `page` as `<name>.png` (listed after the file's tests). */
  shot(page: Page, name: string): Promise<void>;
}

/**
 * A file's browser tests: `describe` with Chromium (see describeInChromium), started before the
 * tests and closed after them; `body` declares the tests with the browser it is given.
 */
export function describeConsole(name: string, body: (browser: ConsoleBrowser) => void): void {
  describeInChromium(name, () => body(useConsoleBrowser()));
}

/** Registers the hooks that start Chromium for a test file (beforeAll) and close it (afterAll). */
function useConsoleBrowser(): ConsoleBrowser {
  let browser: ChromiumSession<BrowserContext> | undefined;
  let shots = '';
  const written: string[] = [];
  beforeAll(async () => {
    if (!existsSync(join(CONSOLE_DIRECTORY, 'index.html'))) {
      throw new Error(`the page is not built (${CONSOLE_DIRECTORY}): run \`pnpm build\` in packages/console`);
    }
    shots = process.env.CONSOLE_SCREENSHOTS
      ? resolve(process.env.CONSOLE_SCREENSHOTS)
      : mkdtempSync(join(tmpdir(), 'nemesisdb-console-screenshots-'));
    mkdirSync(shots, { recursive: true });
    browser = await launchChromium(chromium, 'nemesisdb-console-chromium-', { viewport: { width: 1280, height: 860 } });
  });
  afterAll(async () => {
    await browser?.close();
    if (written.length > 0) console.log(`console screenshots:\n${written.map((path) => `  ${path}`).join('\n')}`);
  });
  return {
    get context() {
      if (browser === undefined) throw new Error('Chromium is not started yet (read context inside tests)');
      return browser.context;
    },
    async shot(page, name) {
      const path = join(shots, `${name}.png`);
      await page.screenshot({ path });
      written.push(path);
    },
  };
}

/** Everything a page reports that would mean something is wrong: errors, CSP violations. */
export async function watch(page: Page): Promise<string[]> {
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

/** Runs `use` with a new, watched page ({@link watch}: `problems`), then closes the page, pass or fail. */
export async function withPage(browser: ConsoleBrowser, use: (page: Page, problems: string[]) => Promise<void>): Promise<void> {
  const page = await browser.context.newPage();
  try {
    await use(page, await watch(page));
  } finally {
    await page.close();
  }
}

/**
 * Runs `use` with a watched page and a console server of its own (`server`, started by the
 * caller), then closes both, whether `use` passed or failed.
 */
export async function withOwnServer(
  browser: ConsoleBrowser,
  server: NemesisServer | Promise<NemesisServer>,
  use: (page: Page, server: NemesisServer, problems: string[]) => Promise<void>,
): Promise<void> {
  const own = await server;
  try {
    await withPage(browser, (page, problems) => use(page, own, problems));
  } finally {
    await own.close();
  }
}

/**
 * Load from another client until `stop()`: each round sends the requests `round(i)` lists at once,
 * then pauses `pauseMs`. `stop()` (once or more: also in a `finally`) waits for the round under
 * way and closes the client.
 */
export async function startLoad(url: string, round: (i: number) => string[], pauseMs: number): Promise<{ stop(): Promise<void> }> {
  const db = await NemesisClient.connect(url);
  let loading = true;
  const load = (async () => {
    for (let i = 0; loading; i++) {
      await Promise.all(round(i).map((request) => db.sendRaw(request)));
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  })();
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      loading = false;
      stopped ??= load.finally(() => db.close());
      return stopped;
    },
  };
}

/** Sends what is in the compose box (or `text`, typed first) and returns the new reply entry once answered. */
export async function send(page: Page, text?: string): Promise<Locator> {
  if (text !== undefined) await page.getByLabel(COMPOSE).fill(text);
  const before = await page.evaluate(() => document.querySelector<HTMLElement>('#replies > li')?.dataset.id ?? null);
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.waitForFunction((previous) => {
    const first = document.querySelector<HTMLElement>('#replies > li');
    return first !== null && first.dataset.id !== (previous ?? undefined) && first.dataset.state !== 'waiting';
  }, before);
  return page.locator('#replies > li').first();
}

/** Clicks the snippet button `label` and sends what it put in the compose box. */
export async function snippet(page: Page, label: string): Promise<Locator> {
  await page.getByRole('button', { name: label, exact: true }).click();
  return send(page);
}

/** Opens the console a server serves and waits until it is connected. */
export async function open(page: Page, server: NemesisServer): Promise<void> {
  await page.goto(`${httpOrigin(server)}/`);
  await page.locator('body[data-connection="open"]').waitFor();
}
