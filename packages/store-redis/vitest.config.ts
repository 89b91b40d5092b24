import { testConfig } from '../../tooling/vitest.base.js';

// One Redis Cluster (3 masters, 3 replicas) for the test files that share it; the failover test
// starts its own, since it kills a master. Starting a cluster takes a while: hooks get 60 s.
export default testConfig({ globalSetup: ['src/testing/global-setup.ts'], hookTimeout: 60_000 });
