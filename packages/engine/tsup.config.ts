import { nodeLibrary } from '../../tooling/tsup.base.js';

// The engine, the data-store contract tests (`@nemesisdb/engine/testing`, needs vitest), and what
// only sibling packages use (`@nemesisdb/engine/internal`).
export default nodeLibrary(['src/index.ts', 'src/testing.ts', 'src/internal.ts']);
