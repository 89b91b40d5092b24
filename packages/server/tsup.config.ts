import { nodeLibrary } from '../../tooling/tsup.base.js';

export default nodeLibrary(['src/index.ts']);
