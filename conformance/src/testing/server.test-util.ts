// Starts our server app (apps/server, built by turbo before this package's tests: turbo.json makes
// the test task depend on nemesisdb#build) as a child process on a free port, as a user would run
// it: test-utils' startApp, with a temporary persist path when the cases need one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp } from '@nemesisdb/test-utils';

export interface TestServer {
  readonly url: string;
  /** The persist path (a temporary directory removed by stop()), or null without persistence. */
  readonly persistPath: string | null;
  stop(): Promise<void>;
}

export async function startServer(options: { persist: boolean; args?: string[] }): Promise<TestServer> {
  const persistPath = options.persist ? mkdtempSync(join(tmpdir(), 'nemesisdb-conformance-')) : null;
  const removePath = () => persistPath !== null && rmSync(persistPath, { recursive: true, force: true });
  try {
    const app = await startApp({ ...(persistPath === null ? {} : { persistPath }), ...(options.args ? { args: options.args } : {}) });
    return {
      url: app.url,
      persistPath,
      stop: async () => {
        await app.stop();
        removePath();
      },
    };
  } catch (error) {
    removePath();
    throw error;
  }
}
