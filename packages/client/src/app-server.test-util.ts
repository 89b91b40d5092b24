// Test support: the real `nemesisdb` app as a child process (@nemesisdb/test-utils), on 127.0.0.1.
import { expect } from 'vitest';
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

/** Resolves with the NemesisError a call rejects with (and fails the test if it resolves or rejects otherwise). */
export async function nemesisError(promise: Promise<unknown>): Promise<NemesisError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(NemesisError);
  return error as NemesisError;
}
