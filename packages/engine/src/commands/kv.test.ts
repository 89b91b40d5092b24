import { describe } from 'vitest';
import { kvCommandContract } from '../contract/kv-commands.js';
import { harness } from '../testing.test-util.js';

// The KV commands over the in-memory store: the store contract (also run by other stores).
describe('KV commands on the in-memory store (§10)', () => kvCommandContract(() => harness()));
