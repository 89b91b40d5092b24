// @nemesisdb/store-redis — the NemesisDB engine's data layer on a Redis Cluster (or Valkey):
// sessions, session keys and KV keys shared by many stateless NemesisDB servers, with the
// protocol's semantics and exact expiry.

export { DEFAULT_CLUSTER_OPTIONS, RedisStore, type RedisNode, type RedisStoreOptions } from './store.js';
export { RedisSessions } from './sessions.js';
export { RedisKv } from './kv.js';
export { DEFAULT_KEY_PREFIX, KeyLayout } from './keys.js';
export { RedisConfigError, credentials, parseNode, parseNodes, redisStoreOptions, type RedisStoreConfig } from './config.js';
