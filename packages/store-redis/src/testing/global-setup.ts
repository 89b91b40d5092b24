// Starts the Redis Cluster shared by the test files (each works under its own key prefix), or
// tells them why there is none.

import type { TestProject } from 'vitest/node';
import { REDIS_INSTALL_HINT, RedisCluster, findRedis, type RedisTools } from './redis-cluster.js';

export type ProvidedCluster = { ok: true; seeds: { host: string; port: number }[]; tools: RedisTools } | { ok: false; reason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    redisCluster: ProvidedCluster;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const tools = findRedis();
  if (tools === undefined) {
    const reason = 'neither redis-server and redis-cli nor valkey-server and valkey-cli are on the PATH';
    project.provide('redisCluster', { ok: false, reason });
    // Visible in the run's output, not only in the names of skipped tests.
    if (!process.env.CI) console.warn(`@nemesisdb/store-redis: cluster tests skipped: ${reason} (install: ${REDIS_INSTALL_HINT})`);
    return undefined;
  }
  const cluster = await RedisCluster.start(tools);
  project.provide('redisCluster', { ok: true, seeds: cluster.seeds, tools });
  return () => cluster.stop();
}
