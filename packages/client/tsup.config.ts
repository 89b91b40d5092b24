import { join } from 'node:path';
import { defineConfig, type Options } from 'tsup';
import { withoutZodLocales } from '../../tooling/esbuild-without-zod-locales.js';

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

// Three outputs in dist/, each cleaning only its own files (the builds run in parallel):
export default defineConfig([
  // Node (and the package's `import` condition): ESM with types; `ws` loaded on first connect.
  {
    // `wire` is `@nemesisdb/client/wire`: the wire layer and backoff alone (no protocol, no zod).
    entry: { index: 'src/index.ts', wire: 'src/wire-layer.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    dts: true,
    sourcemap: true,
    clean: ['index.*', 'wire.*', 'chunk-*'],
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
