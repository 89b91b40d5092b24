// @nemesisdb/engine/internal — what the workspace's sibling packages (the server, the Redis store)
// need from the engine and users do not: not covered by semver, may change in any release.

export { chain, isPromise, type MaybePromise } from './maybe-promise.js';
export { TokenMap, type HasToken } from './store/memory/token-map.js';
