// @nemesisdb/store-redis/testing — a throwaway Redis Cluster for tests (yours and ours): N masters
// with one replica each, as redis-server processes on free loopback ports in a temporary
// directory, torn down by stop(). Needs redis-server and redis-cli on the PATH.

export {
  REDIS_INSTALL_HINT,
  RedisCluster,
  findRedis,
  type ClusterNodeProcess,
  type RedisTools,
  type StartOptions,
} from './testing/redis-cluster.js';
