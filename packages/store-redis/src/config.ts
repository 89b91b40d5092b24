// The store's part of the server configuration, as the app reads it:
//
//   "store": { "type": "redis", "nodes": [{ "host": "10.0.0.1", "port": 7000 }, "10.0.0.2:7000"],
//              "keyPrefix": "nemesisdb:", "ordering": "session" }
//
// (flags / environment: a comma-separated node list, see `parseNodes`). Validated here so the app
// can report a wrong config at startup with the path of the wrong member.

import { KEY_PREFIX_RULE, isValidKeyPrefix } from './keys.js';
import type { RedisNode, RedisOrdering } from './store.js';

export interface RedisStoreConfig {
  type: 'redis';
  /** `{ host, port }` objects or `"host:port"` strings (IPv6 as `"[::1]:7000"`). */
  nodes: (RedisNode | string)[];
  keyPrefix?: string;
  /** Redis ACL user (Redis 6+); with `password`. */
  username?: string;
  /** `requirepass` or the ACL user's password. */
  password?: string;
  /** `"session"` (default) or `"connection"`: see `RedisStoreOptions.ordering`. */
  ordering?: RedisOrdering;
}

/** A wrong store config member: `path` names it (`store.nodes[1]`), the message says what is wrong. */
export class RedisConfigError extends Error {
  override name = 'RedisConfigError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** A checked `store` member, as plain data: what `RedisStore` takes, with the login as given. */
export interface RedisStoreSettings {
  nodes: RedisNode[];
  keyPrefix?: string;
  username?: string;
  password?: string;
  ordering?: RedisOrdering;
}

/** `"host:port"` (or `"[v6]:port"`) as a node; `path`, the config member it comes from, if any. */
export function parseNode(text: string, path?: string): RedisNode {
  const match = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/.exec(text.trim());
  const port = match === null ? NaN : Number(match[3]);
  if (match === null || !(port >= 1 && port <= 65535)) {
    const what = `not a host:port: ${JSON.stringify(text)}`;
    throw new RedisConfigError(path ?? 'node', path === undefined ? what : `${path} is ${what}`);
  }
  return { host: (match[1] ?? match[2])!, port };
}

/** A comma-separated list of `host:port` (as a flag or an environment variable gives it). */
export function parseNodes(text: string): RedisNode[] {
  return text
    .split(',')
    .filter((part) => part.trim() !== '')
    .map((part) => parseNode(part));
}

/** Checks a `store` config member of type "redis"; returns it as plain settings. */
export function redisStoreOptions(config: unknown, path = 'store'): RedisStoreSettings {
  const fail = (member: string, rule: string): never => {
    throw new RedisConfigError(member, `${member} ${rule}`);
  };
  if (typeof config !== 'object' || config === null || Array.isArray(config)) fail(path, 'must be an object');
  const { type, nodes, keyPrefix, username, password, ordering } = config as Record<string, unknown>;
  if (type !== 'redis') fail(`${path}.type`, 'must be "redis"');
  if (!Array.isArray(nodes) || nodes.length === 0) return fail(`${path}.nodes`, 'must be a non-empty array');
  const nodeRule = 'must be "host:port" or { "host": string, "port": 1-65535 }';
  const parsed = nodes.map((node: unknown, i): RedisNode => {
    const member = `${path}.nodes[${i}]`;
    if (typeof node === 'string') return parseNode(node, member);
    const { host, port } = (typeof node === 'object' && node !== null ? node : {}) as Record<string, unknown>;
    if (typeof host !== 'string' || host === '' || typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
      return fail(member, nodeRule);
    }
    return { host, port };
  });
  if (keyPrefix !== undefined && (typeof keyPrefix !== 'string' || !isValidKeyPrefix(keyPrefix)))
    fail(`${path}.keyPrefix`, KEY_PREFIX_RULE);
  for (const [name, value] of [
    ['username', username],
    ['password', password],
  ] as const) {
    if (value !== undefined && (typeof value !== 'string' || value === '')) fail(`${path}.${name}`, 'must be a non-empty string');
  }
  if (username !== undefined && password === undefined) fail(`${path}.username`, `needs ${path}.password`);
  if (ordering !== undefined && ordering !== 'session' && ordering !== 'connection')
    fail(`${path}.ordering`, 'must be "session" or "connection"');
  return {
    nodes: parsed,
    ...(keyPrefix === undefined ? {} : { keyPrefix: keyPrefix as string }),
    ...(username === undefined ? {} : { username: username as string }),
    ...(password === undefined ? {} : { password: password as string }),
    ...(ordering === undefined ? {} : { ordering: ordering as RedisOrdering }),
  };
}
