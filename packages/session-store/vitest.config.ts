import { testConfig } from '../../tooling/vitest.base.js';

// Real web apps over HTTP against the real server app and a Redis Cluster.
export default testConfig({ typecheck: true });
