// Test support: the real `nemesisdb` app as a child process (@nemesisdb/test-utils), on 127.0.0.1.
export { APP_CLI, startApp, stopAllApps, type App, type AppOptions } from '@nemesisdb/test-utils';

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
