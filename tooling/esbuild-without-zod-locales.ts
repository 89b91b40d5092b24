// An esbuild plugin for the browser bundles (the client's standalone script, the console page).
//
// The protocol imports zod as the `z` namespace, which keeps every export alive in a bundle —
// among them `z.locales`, 260 KB of translated error messages nothing here uses (zod's schemas
// import their English messages from `locales/en.js` directly, which stays). Bundles get an empty
// `locales` namespace instead: about 490 KB → 230 KB minified.
import type { Options } from 'tsup';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

export const withoutZodLocales: Plugin = {
  name: 'without-zod-locales',
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'empty' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};
