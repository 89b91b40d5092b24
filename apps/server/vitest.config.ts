import { testConfig } from '../../tooling/vitest.base.js';

// The end-to-end tests spawn dist/cli.js (turbo builds before testing) and wait for it.
export default testConfig({ testTimeout: 20_000, hookTimeout: 20_000 });
