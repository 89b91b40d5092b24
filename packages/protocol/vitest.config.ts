import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'] },
    // Generous: under `pnpm test` every package's tests (Redis clusters, a browser) share the
    // machine, and tests with real sockets, timers or many fuzz runs slow down with it.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
