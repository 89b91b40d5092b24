import { join } from 'node:path';
import { defineConfig, type Options } from 'tsup';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * Browser builds use the global WebSocket: every import of default-websocket.js resolves to
 * default-websocket.browser.ts, so `ws` is not referenced, let alone bundled.
 */
const browserWebSocket: Plugin = {
  name: 'browser-websocket',
  setup(build) {
    build.onResolve({ filter: /\/default-websocket\.js$/ }, (args) => ({
      path: join(args.resolveDir, 'default-websocket.browser.ts'),
    }));
  },
};

/**
 * The protocol imports zod as the `z` namespace, which keeps every export alive in a bundle —
 * among them `z.locales`, 260 KB of translated error messages nothing here uses (zod's schemas
 * import their English messages from `locales/en.js` directly, which stays). The standalone
 * bundle gets an empty `locales` namespace instead: 490 KB → about 230 KB minified.
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

// Three outputs in dist/, each cleaning only its own files (the builds run in parallel):
export default defineConfig([
  // Node (and the package's `import` condition): ESM with types; `ws` loaded on first connect.
  {
    entry: { index: 'src/index.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    dts: true,
    sourcemap: true,
    clean: ['index.*'],
  },
  // Bundlers targeting browsers (the `browser` condition): ESM, dependencies left to the bundler.
  {
    entry: { browser: 'src/index.ts' },
    format: ['esm'],
    target: 'es2022',
    platform: 'browser',
    sourcemap: true,
    clean: ['browser.*'],
    esbuildPlugins: [browserWebSocket],
  },
  // <script> tags and CDNs: one minified file, everything inside, exposed as `NemesisDB`.
  {
    entry: { nemesisdb: 'src/index.ts' },
    format: ['iife'],
    globalName: 'NemesisDB',
    target: 'es2022',
    platform: 'browser',
    minify: true,
    sourcemap: true,
    noExternal: [/.*/],
    clean: ['nemesisdb.*'],
    esbuildPlugins: [browserWebSocket, withoutZodLocales],
  },
]);

