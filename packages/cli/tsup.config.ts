import { defineConfig } from 'tsup';

// Two entries: the executable (dist/cli.js keeps its shebang and is made executable by tsup) and
// the library entry. src/generated/command-docs.ts is written by scripts/bundle-docs.mjs first.
export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
});
