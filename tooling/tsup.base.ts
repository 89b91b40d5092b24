import { defineConfig, type Options } from 'tsup';

/**
 * The build every Node package of the workspace shares: ESM for Node 20 with types and source
 * maps, dist/ cleaned first. `entry` names the package's entries (its `exports`); `options` adds
 * or overrides what one package needs (e.g. `dts` for a CLI entry that has no public types).
 */
export function nodeLibrary(entry: Options['entry'], options: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    dts: true,
    sourcemap: true,
    clean: true,
    ...options,
  });
}
