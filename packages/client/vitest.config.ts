import { testConfig } from '../../tooling/vitest.base.js';

// Against the real server app (child processes) and real time (expiry, reconnect backoff).
export default testConfig({ typecheck: true });
