// @nemesisdb/engine/testing — the contract every data store must meet, as vitest tests: run them
// over your DataStore with an engine harness (see ContractHarness). The engine's own tests run them
// over the in-memory store; @nemesisdb/store-redis runs them over a Redis Cluster. Needs vitest.

export type { ContractHarness } from './contract/harness.js';
export { decodedToken, sessionKeyCount, sessionVisible, sortedListing } from './contract/harness.js';
export { kvCommandContract } from './contract/kv-commands.js';
export { shCommandContract } from './contract/sh-commands.js';
export { sharedSessionContract } from './contract/shared-sessions.js';
export { expiryContract, type ExpiryHarness } from './contract/expiry.js';
