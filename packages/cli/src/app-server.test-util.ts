// Test support: the real `nemesisdb` app as a child process (@nemesisdb/test-utils), on 127.0.0.1,
// without the web console (the CLI's tests need neither its files nor a rebuild of them).
import { startApp as startAnApp, type App, type AppOptions } from '@nemesisdb/test-utils';

export { APP_CLI, stopAllApps, type App, type AppOptions } from '@nemesisdb/test-utils';

export function startApp(options: AppOptions = {}): Promise<App> {
  return startAnApp({ console: false, ...options });
}
