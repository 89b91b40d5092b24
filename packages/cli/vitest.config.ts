import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'] },
    // The tests run against the real server app (child processes) and real time (expiry,
    // reconnect backoff), so their budgets are in seconds.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
