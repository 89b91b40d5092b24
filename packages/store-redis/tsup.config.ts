import { nodeLibrary } from '../../tooling/tsup.base.js';

// The store, and a throwaway cluster for tests (`@nemesisdb/store-redis/testing`).
export default nodeLibrary(['src/index.ts', 'src/testing.ts']);
