// Test support: the real `nemesisdb` app as a child process (@nemesisdb/test-utils), on 127.0.0.1.
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { startApp, stopAllApps, type AppOptions } from '@nemesisdb/test-utils';
import { NemesisClient } from './client.js';
import { NemesisError } from './errors.js';

export { APP_CLI, startApp, stopAllApps, type App, type AppOptions } from '@nemesisdb/test-utils';

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const connected: NemesisClient[] = [];

/** Starts an app (with `options`) and connects a client to it; {@link closeAppsAndClients} ends both. */
export async function connectToNewApp(options: AppOptions = {}): Promise<NemesisClient> {
  const app = await startApp(options);
  const db = await NemesisClient.connect(app.url);
  connected.push(db);
  return db;
}

/** Closes every client {@link connectToNewApp} connected and stops every app: a file's afterAll. */
export async function closeAppsAndClients(): Promise<void> {
  await Promise.all(connected.splice(0).map((db) => db.close({ force: true })));
  await stopAllApps();
}

/**
 * The client of {@link shareOneClient}, set once the file's beforeAll has run (an ES module live
 * binding; vitest gives every test file its own copy of this module).
 */
export let db: NemesisClient;

/**
 * One app and one client ({@link db}) for a whole test file: registers the hooks that start and
 * connect them, run `reset` before each test (so each starts from an empty server), and close them.
 */
export function shareOneClient(reset: (client: NemesisClient) => Promise<unknown>): void {
  beforeAll(async () => {
    db = await connectToNewApp();
  });
  beforeEach(() => reset(db));
  afterAll(closeAppsAndClients);
}

/** Resolves with the NemesisError a call rejects with (and fails the test if it resolves or rejects otherwise). */
export async function nemesisError(promise: Promise<unknown>): Promise<NemesisError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(NemesisError);
  return error as NemesisError;
}
