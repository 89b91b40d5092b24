import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The end-to-end suite waits past real expiry deadlines.
    testTimeout: 120_000,
    hookTimeout: 30_000,
  },
});
