import { defineConfig } from 'tsup';

export default defineConfig({
  // cli.ts starts with `#!/usr/bin/env node`; esbuild keeps it and tsup makes dist/cli.js executable.
  // The case corpus (dist/corpus.json) is written after this step by scripts/build-corpus.ts.
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  format: ['esm'],
  target: 'node20',
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
});
