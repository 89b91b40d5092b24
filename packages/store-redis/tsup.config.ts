import { defineConfig } from 'tsup';

export default defineConfig({
  // The store, and a throwaway cluster for tests (`@nemesisdb/store-redis/testing`).
  entry: ['src/index.ts', 'src/testing.ts'],
  format: ['esm'],
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
});
