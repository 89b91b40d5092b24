import { testConfig } from '../tooling/vitest.base.js';

// The end-to-end suite waits past real expiry deadlines.
export default testConfig({ testTimeout: 120_000 });
