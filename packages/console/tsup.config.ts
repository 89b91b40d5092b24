import { defineConfig } from 'tsup';
import { withoutZodLocales } from '../../tooling/esbuild-without-zod-locales.js';

// Two outputs, built in parallel:
export default defineConfig([
  // The Node entry: CONSOLE_DIRECTORY, with types. Its clean spares dist/public (the other build's).
  {
    entry: { index: 'src/index.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    dts: true,
    sourcemap: true,
    clean: ['!public/**'],
  },
  // The page, in dist/public: one minified ES module with the SDK and the protocol inside (the
  // server's Content-Security-Policy allows scripts from its own origin only, so nothing comes
  // from a CDN), plus index.html, console.css and icon.svg copied as they are from src/public.
  {
    entry: { console: 'src/page/main.ts' },
    outDir: 'dist/public',
    format: ['esm'],
    target: 'es2022',
    platform: 'browser',
    minify: true,
    sourcemap: false,
    splitting: false,
    noExternal: [/.*/],
    clean: true,
    publicDir: 'src/public',
    esbuildPlugins: [withoutZodLocales],
  },
]);
