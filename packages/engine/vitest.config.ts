import { testConfig } from '../../tooling/vitest.base.js';

export default testConfig({ typecheck: true });
