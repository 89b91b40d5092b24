import { testConfig } from '../../tooling/vitest.base.js';

// The browser tests wait for real session expiry and a server restart.
export default testConfig();
