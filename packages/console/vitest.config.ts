import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The browser test waits for a real 2-second session expiry, so budgets are in seconds.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
