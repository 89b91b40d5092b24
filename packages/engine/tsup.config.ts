import { nodeLibrary } from '../../tooling/tsup.base.js';

// The engine, and the data-store contract tests (`@nemesisdb/engine/testing`, needs vitest).
export default nodeLibrary(['src/index.ts', 'src/testing.ts']);
