import { defineConfig, type Options } from 'tsup';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * The protocol imports zod as the `z` namespace, which keeps every export alive in a bundle —
 * among them `z.locales`, 260 KB of translated error messages the page never shows (zod's schemas
 * import their English messages from `locales/en.js` directly, which stays). The page gets an
 * empty `locales` namespace instead, as the client's standalone bundle does.
 */
const withoutZodLocales: Plugin = {
  name: 'without-zod-locales',
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'empty' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

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
