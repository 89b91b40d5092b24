// Headless Chromium for the browser tests of the client and the console: Debian's own browser
// (never one playwright-core downloads), with a throwaway profile. The caller passes
// playwright-core's `chromium` in, so that this package needs no playwright-core of its own.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

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

/**
 * `describe` for tests that need Chromium. Without it, CI fails (it must install it) and a
 * developer's machine skips the tests with a warning that says how to get it.
 */
export function describeInChromium(name: string, body: () => void): void {
  describe(name, () => {
    if (existsSync(CHROMIUM)) {
      body();
    } else if (process.env.CI) {
      it('needs Chromium (CI must install it)', () => {
        throw new Error(MISSING);
      });
    } else {
      console.warn(`[browser test skipped] ${MISSING}`);
      it.skip(`skipped: ${MISSING}`, () => {});
    }
  });
}

/** The options of `launchPersistentContext` these tests set. */
export interface ChromiumOptions {
  executablePath: string;
  headless: boolean;
  args: string[];
  timeout: number;
  viewport?: { width: number; height: number };
}

/** The part of playwright-core's `chromium` used here. */
export interface ChromiumLauncher<Context> {
  launchPersistentContext(profile: string, options: ChromiumOptions): Promise<Context>;
}

export interface ChromiumSession<Context> {
  readonly context: Context;
  /** Closes the browser and deletes its profile. */
  close(): Promise<void>;
}

/** Starts headless Chromium with a new profile in the temporary directory (named from `prefix`). */
export async function launchChromium<Context extends { close(): Promise<void> }>(
  chromium: ChromiumLauncher<Context>,
  prefix: string,
  options: { viewport?: { width: number; height: number } } = {},
): Promise<ChromiumSession<Context>> {
  const profile = mkdtempSync(join(tmpdir(), prefix));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 30_000,
      ...options,
    });
    return {
      context,
      close: async () => {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}
