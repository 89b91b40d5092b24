// @nemesisdb/store-redis — the NemesisDB engine's data layer on a Redis Cluster (or Valkey):
// sessions, session keys and KV keys shared by many stateless NemesisDB servers, with the
// protocol's semantics and exact expiry.

export { DEFAULT_CLUSTER_OPTIONS, RedisStore, type RedisNode, type RedisOrdering, type RedisStoreOptions } from './store.js';
export { RedisSessions } from './sessions.js';
export { RedisKv } from './kv.js';
export { DEFAULT_KEY_PREFIX, KEY_PREFIX_RULE, KeyLayout, isValidKeyPrefix } from './keys.js';
export { RedisConfigError, parseNode, parseNodes, redisStoreOptions, type RedisStoreConfig, type RedisStoreSettings } from './config.js';
