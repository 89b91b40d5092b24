import { defineConfig } from 'vitest/config';

export interface TestConfigOptions {
  /** Also run the type tests (`src/**\/*.test-d.ts`) with tsc. */
  typecheck?: boolean;
  /** Per test; default 30 s. */
  testTimeout?: number;
  /** Per hook; default 30 s. */
  hookTimeout?: number;
  /** Files run once before the package's tests (e.g. one Redis Cluster they share). */
  globalSetup?: string[];
}

/**
 * The vitest configuration every package of the workspace uses: tests sit beside the code
 * (`src/**\/*.test.ts`), and budgets are in seconds because under `pnpm test` every package's
 * tests (Redis clusters, a browser, child processes, real timers) share the machine. Each
 * package's vitest.config.ts says why its budgets differ, when they do.
 */
export function testConfig(options: TestConfigOptions = {}) {
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts'],
      ...(options.typecheck ? { typecheck: { enabled: true, include: ['src/**/*.test-d.ts'] } } : {}),
      ...(options.globalSetup ? { globalSetup: options.globalSetup } : {}),
      testTimeout: options.testTimeout ?? 30_000,
      hookTimeout: options.hookTimeout ?? 30_000,
    },
  });
}
