import { defineConfig } from 'tsup';

export default defineConfig({
  // The engine, and the data-store contract tests (`@nemesisdb/engine/testing`, needs vitest).
  entry: ['src/index.ts', 'src/testing.ts'],
  format: ['esm'],
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
});
