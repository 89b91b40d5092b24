import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The end-to-end tests spawn dist/cli.js (turbo builds before testing) and wait for it.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
