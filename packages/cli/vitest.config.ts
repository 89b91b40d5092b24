import { testConfig } from '../../tooling/vitest.base.js';

// Against the real server app (child processes) and a real terminal (tmux).
export default testConfig({ typecheck: true });
