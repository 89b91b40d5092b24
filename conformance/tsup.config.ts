import { nodeLibrary } from '../tooling/tsup.base.js';

// cli.ts starts with `#!/usr/bin/env node`; esbuild keeps it and tsup makes dist/cli.js executable.
// The case corpus (dist/corpus.json) is written after this step by scripts/build-corpus.ts.
export default nodeLibrary({ index: 'src/index.ts', cli: 'src/cli.ts' }, { dts: { entry: { index: 'src/index.ts' } } });
