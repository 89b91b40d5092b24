import { testConfig } from '../../tooling/vitest.base.js';

// Checks of the workspace's own set-up (turbo.json), which no package owns.
export default testConfig();
