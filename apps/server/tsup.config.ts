import { nodeLibrary } from '../../tooling/tsup.base.js';

// cli.ts starts with `#!/usr/bin/env node`; esbuild keeps it and tsup makes dist/cli.js executable.
export default nodeLibrary({ index: 'src/index.ts', cli: 'src/cli.ts' }, { dts: { entry: { index: 'src/index.ts' } } });
