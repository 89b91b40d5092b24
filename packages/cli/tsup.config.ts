import { nodeLibrary } from '../../tooling/tsup.base.js';

// Two entries: the executable (dist/cli.js keeps its shebang and is made executable by tsup) and
// the library entry. src/generated/command-docs.json is written by scripts/bundle-docs.mjs first.
export default nodeLibrary(['src/index.ts', 'src/cli.ts'], { dts: { entry: 'src/index.ts' } });
