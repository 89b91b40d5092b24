// The store's part of the server configuration, as the app reads it:
//
//   "store": { "type": "redis", "nodes": [{ "host": "10.0.0.1", "port": 7000 }, "10.0.0.2:7000"],
//              "keyPrefix": "nemesisdb:" }
//
// (flags / environment: a comma-separated node list, see `parseNodes`). Validated here so the app
// can report a wrong config at startup with the path of the wrong member.

import type { RedisNode, RedisStoreOptions } from './store.js';

export interface RedisStoreConfig {
  type: 'redis';
  /** `{ host, port }` objects or `"host:port"` strings (IPv6 as `"[::1]:7000"`). */
  nodes: (RedisNode | string)[];
  keyPrefix?: string;
  /** Redis ACL user (Redis 6+); with `password`. */
  username?: string;
  /** `requirepass` or the ACL user's password. */
  password?: string;
}

export class RedisConfigError extends Error {
  override name = 'RedisConfigError';
}

/** `"host:port"` (or `"[v6]:port"`) as a node. */
export function parseNode(text: string): RedisNode {
  const match = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/.exec(text.trim());
  const port = match === null ? NaN : Number(match[3]);
  if (match === null || !(port >= 1 && port <= 65535)) throw new RedisConfigError(`not a host:port: ${JSON.stringify(text)}`);
  return { host: (match[1] ?? match[2])!, port };
}

/** A comma-separated list of `host:port` (as a flag or an environment variable gives it). */
export function parseNodes(text: string): RedisNode[] {
  return text
    .split(',')
    .filter((part) => part.trim() !== '')
    .map(parseNode);
}

/** Checks a `store` config member of type "redis" and turns it into store options. */
export function redisStoreOptions(config: unknown, path = 'store'): RedisStoreOptions {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new RedisConfigError(`${path} must be an object`);
  const { type, nodes, keyPrefix, username, password } = config as Record<string, unknown>;
  if (type !== 'redis') throw new RedisConfigError(`${path}.type must be "redis"`);
  if (!Array.isArray(nodes) || nodes.length === 0) throw new RedisConfigError(`${path}.nodes must be a non-empty array`);
  const parsed = nodes.map((node: unknown, i): RedisNode => {
    if (typeof node === 'string') return parseNode(node);
    const { host, port } = (typeof node === 'object' && node !== null ? node : {}) as Record<string, unknown>;
    if (typeof host !== 'string' || host === '' || typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new RedisConfigError(`${path}.nodes[${i}] must be "host:port" or { "host": string, "port": 1-65535 }`);
    }
    return { host, port };
  });
  if (keyPrefix !== undefined && (typeof keyPrefix !== 'string' || /[{}]/.test(keyPrefix))) {
    throw new RedisConfigError(`${path}.keyPrefix must be a string without { or }`);
  }
  for (const [name, value] of [
    ['username', username],
    ['password', password],
  ] as const) {
    if (value !== undefined && (typeof value !== 'string' || value === ''))
      throw new RedisConfigError(`${path}.${name} must be a non-empty string`);
  }
  if (username !== undefined && password === undefined) throw new RedisConfigError(`${path}.username needs ${path}.password`);
  return {
    nodes: parsed,
    ...(keyPrefix === undefined ? {} : { keyPrefix: keyPrefix as string }),
    ...(password === undefined ? {} : { clusterOptions: credentials(username as string | undefined, password as string) }),
  };
}

/** ioredis options that log in to every node (and to the nodes discovered from them). */
export function credentials(username: string | undefined, password: string): NonNullable<RedisStoreOptions['clusterOptions']> {
  return { redisOptions: username === undefined ? { password } : { username, password } };
}
