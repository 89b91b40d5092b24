import { describe, expect, it } from 'vitest';
import { configOf, errorOf, file, withFile } from './config.test-util.js';

describe('the store setting', () => {
  const redis = (
    nodes: { host: string; port: number }[],
    keyPrefix = 'nemesisdb:',
    credentials: object | undefined = undefined,
    ordering = 'session',
  ) => ({
    type: 'redis',
    nodes,
    keyPrefix,
    ordering,
    credentials,
  });

  it('is the memory store by default and with --store memory', () => {
    expect(configOf([]).store).toEqual({ type: 'memory' });
    expect(configOf(['--store', 'memory']).store).toEqual({ type: 'memory' });
    expect(configOf(['--config', 'nemesis.json'], withFile(file({ store: { type: 'memory' } }))).store).toEqual({ type: 'memory' });
  });

  it('reads a redis store from the config file: node objects and "host:port" strings, an optional prefix', () => {
    const store = { type: 'redis', nodes: [{ host: '10.0.0.1', port: 7000 }, '10.0.0.2:7001', '[::1]:7002'], keyPrefix: 'app1:' };
    expect(configOf(['--config', 'nemesis.json'], withFile(file({ store }))).store).toEqual(
      redis(
        [
          { host: '10.0.0.1', port: 7000 },
          { host: '10.0.0.2', port: 7001 },
          { host: '::1', port: 7002 },
        ],
        'app1:',
      ),
    );
    const noPrefix = { type: 'redis', nodes: ['r1:7000'] };
    expect(configOf(['--config', 'nemesis.json'], withFile(file({ store: noPrefix }))).store).toEqual(redis([{ host: 'r1', port: 7000 }]));
  });

  it('reads it from flags and environment variables, flags over environment over file', () => {
    expect(configOf(['--store', 'redis', '--redis-nodes', 'a:7000, b:7001', '--redis-key-prefix', 'x:']).store).toEqual(
      redis(
        [
          { host: 'a', port: 7000 },
          { host: 'b', port: 7001 },
        ],
        'x:',
      ),
    );
    const env = { NEMESISDB_STORE: 'REDIS', NEMESISDB_REDIS_NODES: 'e:7000', NEMESISDB_REDIS_KEY_PREFIX: 'env:' };
    expect(configOf([], { env }).store).toEqual(redis([{ host: 'e', port: 7000 }], 'env:'));
    expect(configOf(['--redis-nodes', 'f:7000'], { env }).store).toEqual(redis([{ host: 'f', port: 7000 }], 'env:'));
    const world = withFile(file({ store: { type: 'redis', nodes: ['file:7000'], keyPrefix: 'file:' } }), {
      env: { NEMESISDB_REDIS_NODES: 'e:7000' },
    });
    expect(configOf(['--config', 'nemesis.json'], world).store).toEqual(redis([{ host: 'e', port: 7000 }], 'file:'));
    expect(configOf(['--config', 'nemesis.json', '--store', 'memory'], world).store).toEqual({ type: 'memory' });
  });

  it('orders pipelined requests per session by default, per connection when told (file, environment, flag)', () => {
    const nodes = [{ host: 'r', port: 7000 }];
    const store = { type: 'redis', nodes: ['r:7000'], ordering: 'connection' };
    expect(configOf(['--config', 'nemesis.json'], withFile(file({ store }))).store).toEqual(
      redis(nodes, 'nemesisdb:', undefined, 'connection'),
    );
    const env = { NEMESISDB_STORE: 'redis', NEMESISDB_REDIS_NODES: 'r:7000', NEMESISDB_REDIS_ORDERING: 'Connection' };
    expect(configOf([], { env }).store).toEqual(redis(nodes, 'nemesisdb:', undefined, 'connection'));
    expect(configOf(['--redis-ordering', 'session'], { env }).store).toEqual(redis(nodes));
    expect(errorOf(['--store', 'redis', '--redis-nodes', 'r:7000', '--redis-ordering', 'strict'])).toBe(
      'config error: --redis-ordering must be "session" or "connection" (got "strict")',
    );
    expect(errorOf(['--config', 'nemesis.json'], withFile(file({ store: { ...store, ordering: 'strict' } })))).toBe(
      'config error: store.ordering must be "session" or "connection"',
    );
  });

  it('logs in with a password (and user) from the config file or the environment, never from a flag', () => {
    const store = { type: 'redis', nodes: ['r:7000'], username: 'app', password: 'file-secret' };
    expect(configOf(['--config', 'nemesis.json'], withFile(file({ store }))).store).toEqual(
      redis([{ host: 'r', port: 7000 }], 'nemesisdb:', { username: 'app', password: 'file-secret' }),
    );
    const env = { NEMESISDB_STORE: 'redis', NEMESISDB_REDIS_NODES: 'e:7000', NEMESISDB_REDIS_PASSWORD: 'env-secret' };
    expect(configOf([], { env }).store).toEqual(redis([{ host: 'e', port: 7000 }], 'nemesisdb:', { password: 'env-secret' }));
    expect(configOf([], { env: { ...env, NEMESISDB_REDIS_USERNAME: 'u' } }).store).toMatchObject({
      credentials: { username: 'u', password: 'env-secret' },
    });
    expect(errorOf([], { env: { NEMESISDB_REDIS_USERNAME: 'u' } })).toBe(
      'config error: NEMESISDB_REDIS_USERNAME needs NEMESISDB_REDIS_PASSWORD',
    );
    expect(errorOf(['--redis-password', 'x'])).toMatch(/^config error: unknown option '--redis-password'/);
    expect(errorOf(['--config', 'nemesis.json'], withFile(file({ store: { type: 'redis', nodes: ['r:1'], username: 'app' } })))).toBe(
      'config error: store.username needs store.password',
    );
  });

  it('names the wrong member or flag in one line', () => {
    expect(errorOf(['--store', 'mongo'])).toBe('config error: --store must be "memory" or "redis" (got "mongo")');
    expect(errorOf(['--store', 'redis'])).toBe(
      'config error: --store is "redis": the cluster\'s nodes are needed too (store.nodes, --redis-nodes or NEMESISDB_REDIS_NODES)',
    );
    expect(errorOf(['--store', 'redis', '--redis-nodes', 'a:99999'])).toBe(
      'config error: --redis-nodes must be a non-empty list of host:port (e.g. "10.0.0.1:7000,10.0.0.2:7000") (got "a:99999")',
    );
    expect(errorOf([], { env: { NEMESISDB_REDIS_NODES: ',' } })).toMatch(/^config error: NEMESISDB_REDIS_NODES must be a non-empty list/);
    expect(errorOf(['--redis-key-prefix', 'a{b}'])).toBe('config error: --redis-key-prefix must be a string without { or } (got "a{b}")');
    expect(errorOf(['--config', 'nemesis.json'], withFile(file({ store: { type: 'redis', nodes: ['a:7000', { host: 'b' }] } })))).toBe(
      'config error: store.nodes[1] must be "host:port" or { "host": string, "port": 1-65535 }',
    );
    expect(errorOf(['--config', 'nemesis.json'], withFile(file({ store: { type: 'redis', nodes: ['a:7000', 'b'] } })))).toBe(
      'config error: store.nodes[1] is not a host:port: "b"',
    );
    expect(errorOf(['--config', 'nemesis.json'], withFile(file({ store: { type: 'redis', nodes: [] } })))).toBe(
      'config error: store.nodes must be a non-empty array',
    );
    expect(errorOf(['--config', 'nemesis.json'], withFile(file({ store: { type: 'disk' } })))).toBe(
      'config error: store.type must be "memory" or "redis" (got "disk")',
    );
    expect(errorOf(['--config', 'nemesis.json'], withFile(file({ store: 'redis' })))).toMatch(
      /^config error: store must be an object with "type"/,
    );
  });

  it('refuses what a shared cluster cannot honour: a journal, a heap ceiling', () => {
    const cluster = ['--store', 'redis', '--redis-nodes', 'a:7000'];
    expect(errorOf([...cluster, '--persist-enabled', '--journal', 'always'], { dirs: ['/srv/data'] })).toBe(
      'config error: --journal works with the memory store only (--store is "redis": use the cluster\'s own AOF and replicas)',
    );
    expect(errorOf([...cluster, '--max-data-bytes', String(64 * 1024 * 1024)])).toBe(
      'config error: --max-data-bytes works with the memory store only (--store is "redis": set maxmemory on the cluster)',
    );
  });
});
