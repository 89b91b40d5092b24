import { describe, expect, it } from 'vitest';
import { RedisConfigError, parseNode, parseNodes, redisStoreOptions } from './config.js';

describe('redisStoreOptions', () => {
  it('reads the store member of the app config', () => {
    expect(
      redisStoreOptions({ type: 'redis', nodes: [{ host: '10.0.0.1', port: 7000 }, '10.0.0.2:7001', '[::1]:7002'], keyPrefix: 'app:' }),
    ).toEqual({
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      keyPrefix: 'app:',
    });
    expect(redisStoreOptions({ type: 'redis', nodes: ['h:1'] })).toEqual({ nodes: [{ host: 'h', port: 1 }] });
  });

  it('logs in with a password, or an ACL user and its password, returned as plain settings', () => {
    expect(redisStoreOptions({ type: 'redis', nodes: ['h:1'], password: 'pw' })).toEqual({
      nodes: [{ host: 'h', port: 1 }],
      password: 'pw',
    });
    expect(redisStoreOptions({ type: 'redis', nodes: ['h:1'], username: 'app', password: 'pw' })).toEqual({
      nodes: [{ host: 'h', port: 1 }],
      username: 'app',
      password: 'pw',
    });
  });

  it('takes the ordering of pipelined requests, "session" or "connection"', () => {
    for (const ordering of ['session', 'connection'] as const) {
      expect(redisStoreOptions({ type: 'redis', nodes: ['h:1'], ordering })).toEqual({ nodes: [{ host: 'h', port: 1 }], ordering });
    }
  });

  it.each([
    [{ type: 'redis', nodes: ['h:1', 'nope'] }, 'store.nodes[1]', 'store.nodes[1] is not a host:port: "nope"'],
    [{ type: 'redis', nodes: [{ host: '', port: 1 }] }, 'store.nodes[0]', 'store.nodes[0] must be'],
    [{ type: 'redis', nodes: ['h:1'], keyPrefix: '{x}' }, 'store.keyPrefix', 'store.keyPrefix must be a string without { or }'],
  ])('names the wrong member in the error: %j', (config, path, message) => {
    const error = (() => {
      try {
        redisStoreOptions(config);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(RedisConfigError);
    expect(error).toMatchObject({ path });
    expect((error as Error).message).toContain(message);
  });

  it.each([
    [null, 'store must be an object'],
    [{ type: 'memory', nodes: ['h:1'] }, 'store.type must be "redis"'],
    [{ type: 'redis', nodes: [] }, 'store.nodes must be a non-empty array'],
    [{ type: 'redis', nodes: [{ host: 'h', port: 70000 }] }, 'store.nodes[0]'],
    [{ type: 'redis', nodes: ['h:1'], keyPrefix: 'a{b}' }, 'store.keyPrefix'],
    [{ type: 'redis', nodes: ['h:1'], password: 5 }, 'store.password must be a non-empty string'],
    [{ type: 'redis', nodes: ['h:1'], username: 'app' }, 'store.username needs store.password'],
    [{ type: 'redis', nodes: ['h:1'], ordering: 'strict' }, 'store.ordering must be "session" or "connection"'],
  ])('refuses %j', (config, message) => {
    expect(() => redisStoreOptions(config)).toThrow(RedisConfigError);
    expect(() => redisStoreOptions(config)).toThrow(message);
  });

  it('parses node lists from flags and environment variables', () => {
    expect(parseNodes('a:1, b:2,')).toEqual([
      { host: 'a', port: 1 },
      { host: 'b', port: 2 },
    ]);
    expect(() => parseNode('a')).toThrow(RedisConfigError);
    expect(() => parseNode('a:0')).toThrow(RedisConfigError);
  });
});
