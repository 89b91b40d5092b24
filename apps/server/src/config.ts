// The server's settings: embedded defaults < upstream config file < NEMESISDB_* environment
// variables < command-line flags (docs/reference/protocol.md §12). Everything here is pure apart from the file
// system calls, which are injectable, so every rule is unit-tested without starting a process.
import * as nodeFs from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { JsonDecodeError, JsonDouble, decode } from '@nemesisdb/protocol';
import { DEFAULT_HOST, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_PAYLOAD, DEFAULT_PORT, MAX_MAX_PAYLOAD } from '@nemesisdb/server';
import type { FsyncPolicy } from '@nemesisdb/engine';
import { DEFAULT_MAX_BUFFERED_BYTES } from '@nemesisdb/server';
import { DEFAULT_KEY_PREFIX, RedisConfigError, parseNodes, redisStoreOptions, type RedisNode } from '@nemesisdb/store-redis';

type RedisCredentials = Extract<StoreConfig, { type: 'redis' }>['credentials'];
import { z } from 'zod';
import { parseArgs, type CliFlags } from './args.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The only config file version this server reads (upstream v0.7.4 writes and requires 5). */
export const CONFIG_VERSION = 5;
/** Smallest `maxPayload` (upstream's lower bound; the upper one is ours, §14 D21). */
export const MIN_MAX_PAYLOAD = 64;
/** Upstream's `persist.path` default (shipped `server/configs/default.jsonc`). */
export const DEFAULT_PERSIST_PATH = './data';
/** Highest `--max-connections`: far beyond what one process serves, low enough to be a number. */
export const MAX_MAX_CONNECTIONS = 1_000_000;

/** Settings the server runs with, after every layer was applied and checked. */
export interface ResolvedConfig {
  host: string;
  port: number;
  maxPayload: number;
  maxConnections: number;
  /** Replies buffered for one connection before its reading pauses (beyond upstream). */
  maxBufferedBytes: number;
  /** Heap in use past which commands that add data are refused; null: no ceiling (beyond upstream). */
  maxDataBytes: number | null;
  /** Bearer tokens clients must present; empty: no authentication (beyond upstream). */
  authTokens: string[];
  /** PEM contents of the certificate chain and key for wss://; null: plain ws:// (beyond upstream). */
  tls: { cert: string; key: string; certFile: string; keyFile: string } | null;
  /** Browser origins allowed to connect; null: any (beyond upstream). */
  allowedOrigins: string[] | null;
  /** Serve the web console on plain HTTP GET `/` (beyond upstream). */
  console: boolean;
  /** Our extensions to v0.7.4 (shared sessions, SH_OPEN); false answers exactly as v0.7.4. */
  extensions: boolean;
  /**
   * Where the data lives (beyond upstream): this process's memory, or a Redis Cluster that several
   * servers share (`@nemesisdb/store-redis`).
   */
  store: StoreConfig;
  /** Upstream pins its thread to this CPU core; Node has no such thing, so it is read and ignored. */
  core: number;
  persist: {
    enabled: boolean;
    /** Absolute (resolved against the working directory, as upstream does). */
    path: string;
    /** The journal's fsync policy (beyond upstream), or null when there is no journal. */
    journal: FsyncPolicy | null;
  };
  logLevel: LogLevel;
  /** The config file read, absolute; null when none was given. */
  configFile: string | null;
  /**
   * Upstream's start-up load (`--loadName`, `--loadPath`, §11.4), checked but not performed yet.
   * `path` is absolute: `--loadPath`, else the persist path.
   */
  load: { name: string; path: string } | null;
}

export type StoreConfig =
  | { type: 'memory' }
  | {
      type: 'redis';
      nodes: readonly RedisNode[];
      keyPrefix: string;
      /** Login to every node; null when the cluster needs none. Never logged. */
      credentials: { username?: string; password: string } | null;
    };

export const STORE_TYPES = ['memory', 'redis'] as const;
export type StoreType = (typeof STORE_TYPES)[number];

/** A setting that cannot be used. `message` is the one line printed to stderr. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    /** Where the bad value came from, spelt as the user wrote it: `maxPayload`, `--port`, `NEMESISDB_PORT`. */
    readonly key: string,
    /** What is wrong, without the `config error: ` prefix. */
    readonly problem: string,
  ) {
    super(`config error: ${problem}`);
  }
}

export type ConfigResult =
  | { kind: 'config'; config: ResolvedConfig }
  /** `--help` / `--version`: print `output` to stdout, exit with `code`. */
  | { kind: 'exit'; code: number; output: string }
  | { kind: 'error'; error: ConfigError };

/** The file system calls config resolution makes (tests may replace them). */
export interface ConfigFs {
  /** The file's text (UTF-8); throws a Node error (`code` ENOENT, EISDIR, …) when unreadable. */
  readFile(path: string): string;
  /** Whether `path` is a directory; false when it does not exist; throws on other errors. */
  isDirectory(path: string): boolean;
  /** Creates and removes a file in `dir` (upstream's writability check); throws when it cannot. */
  probeWritable(dir: string): void;
}

export const nodeConfigFs: ConfigFs = {
  readFile: (path) => nodeFs.readFileSync(path, 'utf8'),
  isDirectory: (path) => {
    try {
      return nodeFs.statSync(path).isDirectory();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return false;
      throw error;
    }
  },
  probeWritable: (dir) => {
    const probe = join(dir, `.nemesisdb-write-test-${process.pid}-${Date.now()}`);
    nodeFs.writeFileSync(probe, '', { flag: 'wx' });
    nodeFs.unlinkSync(probe);
  },
};

export interface ResolveConfigInput {
  /** The command line without `node` and the script (`process.argv.slice(2)`). */
  argv: readonly string[];
  /** Environment variables; only `NEMESISDB_*` ones are read. Default: none. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Relative paths (config file, persist path, load path) are resolved against this. Default: process.cwd(). */
  cwd?: string;
  fs?: Partial<ConfigFs>;
}

// ---------------------------------------------------------------------------------------------
// Rules: one zod schema and one sentence per setting, shared by the file, env and flag layers.

const RULE = {
  version: `must be ${CONFIG_VERSION} (the config version this server reads)`,
  host: 'must be an IPv4 or IPv6 address or a host name',
  port: 'must be an integer from 0 to 65535',
  maxPayload: `must be an integer from ${MIN_MAX_PAYLOAD} to ${MAX_MAX_PAYLOAD}`,
  maxConnections: `must be an integer from 1 to ${MAX_MAX_CONNECTIONS}`,
  core: 'must be a non-negative integer',
  enabled: 'must be true or false',
  path: 'must be a string',
  persist: 'must be an object with "enabled" and "path"',
  journal: 'must be "always", "everysec", "no" or "off"',
  maxBufferedBytes: 'must be an integer from 65536 to 1073741824',
  maxDataBytes: 'must be an integer of at least 1048576 (1 MiB)',
  tokens: 'must be a token of at least 16 characters, or a list of them',
  origins: 'must be a list of origins such as "https://app.example.com"',
  file: 'must be a path to a readable file',
  journalObject: 'must be an object with "fsync" ("always", "everysec" or "no")',
  storeType: 'must be "memory" or "redis"',
  redisNodes: 'must be a non-empty list of host:port (e.g. "10.0.0.1:7000,10.0.0.2:7000")',
  redisKeyPrefix: 'must be a string without { or }',
  logLevel: `must be one of ${LOG_LEVELS.join(', ')}`,
} as const;

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/** An integer in [min, max]. z.int() also refuses bigints and JsonDouble (`1024.0`), as upstream's uint check does. */
const intIn = (min: number, max: number, rule: string) => z.int({ error: rule }).min(min, { error: rule }).max(max, { error: rule });

const schemas = {
  host: z.string({ error: RULE.host }).refine((host) => isIP(host) !== 0 || HOST_NAME.test(host), { error: RULE.host }),
  port: intIn(0, 65535, RULE.port),
  maxPayload: intIn(MIN_MAX_PAYLOAD, MAX_MAX_PAYLOAD, RULE.maxPayload),
  maxConnections: intIn(1, MAX_MAX_CONNECTIONS, RULE.maxConnections),
  core: z.int({ error: RULE.core }).min(0, { error: RULE.core }),
  enabled: z.boolean({ error: RULE.enabled }),
  path: z.string({ error: RULE.path }),
  logLevel: z.enum(LOG_LEVELS, { error: RULE.logLevel }),
  journal: z.enum(['always', 'everysec', 'no', 'off'], { error: RULE.journal }),
  maxBufferedBytes: intIn(64 * 1024, 1024 ** 3, RULE.maxBufferedBytes),
  maxDataBytes: z.int({ error: RULE.maxDataBytes }).min(1024 * 1024, { error: RULE.maxDataBytes }),
  tokens: z.array(z.string({ error: RULE.tokens }).min(16, { error: RULE.tokens }), { error: RULE.tokens }).min(1, { error: RULE.tokens }),
  origins: z.array(z.string({ error: RULE.origins }).regex(/^https?:\/\/[^/\s]+$/i, { error: RULE.origins }), { error: RULE.origins }),
  file: z.string({ error: RULE.file }).min(1, { error: RULE.file }),
  storeType: z.enum(STORE_TYPES, { error: RULE.storeType }),
  redisKeyPrefix: z.string({ error: RULE.redisKeyPrefix }).regex(/^[^{}]*$/, { error: RULE.redisKeyPrefix }),
};

/** A comma-separated node list (flag, environment) checked with the store's own parser. */
function redisNodesFromText(key: string, text: string): RedisNode[] {
  try {
    const nodes = parseNodes(text);
    if (nodes.length > 0) return nodes;
  } catch (error) {
    if (!(error instanceof RedisConfigError)) throw error;
  }
  throw invalid(key, RULE.redisNodes, text);
}

/**
 * Upstream's config file, version 5 (§12.2). Required keys are required as upstream requires them
 * (a file is a complete configuration, and a misspelt key must not silently fall back to a
 * default), except `core`, whose absence crashes upstream (§14 D14). Unknown keys are ignored.
 * `version` comes first so that a file of another version reports that, not its first odd key.
 */
const fileSchema = z.object({
  version: z.literal(CONFIG_VERSION, { error: RULE.version }),
  ip: schemas.host,
  port: schemas.port,
  maxPayload: schemas.maxPayload,
  core: schemas.core.optional(),
  // Ours, not upstream's (upstream ignores unknown members, so one file can serve both):
  maxConnections: schemas.maxConnections.optional(),
  maxBufferedBytes: schemas.maxBufferedBytes.optional(),
  maxDataBytes: schemas.maxDataBytes.optional(),
  allowedOrigins: schemas.origins.optional(),
  console: schemas.enabled.optional(),
  extensions: schemas.enabled.optional(),
  auth: z.object({ token: z.union([z.string(), z.array(z.string())]).transform((token) => (Array.isArray(token) ? token : [token])).pipe(schemas.tokens) }).optional(),
  tls: z.object({ cert: schemas.file, key: schemas.file }).optional(),
  // `{"type":"memory"}` or `{"type":"redis","nodes":[…],"keyPrefix":"…"}`: checked below by the
  // store's own rules (redisStoreOptions), which name the wrong member.
  store: z.object({ type: schemas.storeType }, { error: 'must be an object with "type" ("memory" or "redis")' }).loose().optional(),
  persist: z.object(
    {
      enabled: schemas.enabled,
      path: schemas.path,
      // Ours, not upstream's: `"journal": {"fsync": "always"}` (upstream ignores the member).
      journal: z.object({ fsync: schemas.journal }, { error: RULE.journalObject }).optional(),
    },
    { error: RULE.persist },
  ),
});

/** A value for a message: short, on one line. */
function show(value: unknown): string {
  let text: string;
  if (value instanceof JsonDouble) text = value.toString();
  else if (typeof value === 'bigint') text = value.toString();
  else if (Array.isArray(value)) text = 'an array';
  else if (value !== null && typeof value === 'object') text = 'an object';
  else text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function invalid(key: string, rule: string, value: unknown): ConfigError {
  return new ConfigError(key, `${key} ${rule} (got ${show(value)})`);
}

/** Checks one value against its rule; `key` names it as its source spells it. */
function check<T>(schema: z.ZodType<T>, key: string, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw invalid(key, result.error.issues[0]?.message ?? 'is invalid', value);
}

// ---------------------------------------------------------------------------------------------
// Layers. Each yields the settings it sets, each with the key that set it (for later messages).

interface Sourced<T> {
  value: T;
  key: string;
}

interface Layer {
  host?: Sourced<string>;
  port?: Sourced<number>;
  maxPayload?: Sourced<number>;
  maxConnections?: Sourced<number>;
  core?: Sourced<number>;
  persistEnabled?: Sourced<boolean>;
  persistPath?: Sourced<string>;
  journal?: Sourced<FsyncPolicy | 'off'>;
  maxBufferedBytes?: Sourced<number>;
  maxDataBytes?: Sourced<number | null>;
  authTokens?: Sourced<string[]>;
  tlsCert?: Sourced<string | null>;
  tlsKey?: Sourced<string | null>;
  allowedOrigins?: Sourced<string[] | null>;
  console?: Sourced<boolean>;
  extensions?: Sourced<boolean>;
  storeType?: Sourced<StoreType>;
  redisNodes?: Sourced<readonly RedisNode[] | null>;
  redisKeyPrefix?: Sourced<string>;
  redisCredentials?: Sourced<RedisCredentials>;
  logLevel?: Sourced<LogLevel>;
}

function defaults(): Required<Layer> {
  return {
    host: { value: DEFAULT_HOST, key: 'host' },
    port: { value: DEFAULT_PORT, key: 'port' },
    maxPayload: { value: DEFAULT_MAX_PAYLOAD, key: 'maxPayload' },
    maxConnections: { value: DEFAULT_MAX_CONNECTIONS, key: 'maxConnections' },
    core: { value: 0, key: 'core' },
    persistEnabled: { value: false, key: 'persist.enabled' },
    persistPath: { value: DEFAULT_PERSIST_PATH, key: 'persist.path' },
    journal: { value: 'off', key: 'persist.journal.fsync' },
    maxBufferedBytes: { value: DEFAULT_MAX_BUFFERED_BYTES, key: 'maxBufferedBytes' },
    maxDataBytes: { value: null, key: 'maxDataBytes' },
    authTokens: { value: [], key: 'auth.token' },
    tlsCert: { value: null, key: 'tls.cert' },
    tlsKey: { value: null, key: 'tls.key' },
    allowedOrigins: { value: null, key: 'allowedOrigins' },
    console: { value: true, key: 'console' },
    extensions: { value: true, key: 'extensions' },
    storeType: { value: 'memory', key: 'store.type' },
    redisNodes: { value: null, key: 'store.nodes' },
    redisKeyPrefix: { value: DEFAULT_KEY_PREFIX, key: 'store.keyPrefix' },
    redisCredentials: { value: null, key: 'store.password' },
    logLevel: { value: 'info', key: 'logLevel' },
  };
}

function readConfigFile(file: string, fs: ConfigFs): Layer {
  let text: string;
  try {
    text = fs.readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code ?? String(error);
    throw new ConfigError('--config', `cannot read config file ${file}: ${why}`);
  }
  let data: unknown;
  try {
    // The protocol's reader accepts comments (upstream's shipped file is .jsonc) and keeps
    // `1024.0` apart from `1024`, so a uint setting written as a double is refused like upstream.
    data = decode(withoutTrailingComments(text.replace(/^\uFEFF/, '')), { exactNumbers: true });
  } catch (error) {
    if (!(error instanceof JsonDecodeError)) throw error;
    throw new ConfigError('--config', `config file ${file} is not valid JSON: ${error.message.replace(/\s*\n\s*/g, ' ')}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError('--config', `config file ${file} must hold a JSON object (got ${show(data)})`);
  }
  const result = fileSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path ?? [];
    const key = path.map(String).join('.');
    let value: unknown = data;
    for (const part of path) value = (value as Record<PropertyKey, unknown> | undefined)?.[part as PropertyKey];
    const rule = issue?.message ?? 'is invalid';
    if (value === undefined) throw new ConfigError(key, `${key} is missing from the config file (it ${rule})`);
    throw invalid(key, rule, value);
  }
  const file5 = result.data;
  return {
    ...(file5.store === undefined ? {} : storeFromFile(file5.store)),
    host: { value: file5.ip, key: 'ip' },
    port: { value: file5.port, key: 'port' },
    maxPayload: { value: file5.maxPayload, key: 'maxPayload' },
    ...(file5.core === undefined ? {} : { core: { value: file5.core, key: 'core' } }),
    persistEnabled: { value: file5.persist.enabled, key: 'persist.enabled' },
    persistPath: { value: file5.persist.path, key: 'persist.path' },
    ...(file5.persist.journal === undefined ? {} : { journal: { value: file5.persist.journal.fsync, key: 'persist.journal.fsync' } }),
    ...(file5.maxConnections === undefined ? {} : { maxConnections: { value: file5.maxConnections, key: 'maxConnections' } }),
    ...(file5.maxBufferedBytes === undefined ? {} : { maxBufferedBytes: { value: file5.maxBufferedBytes, key: 'maxBufferedBytes' } }),
    ...(file5.maxDataBytes === undefined ? {} : { maxDataBytes: { value: file5.maxDataBytes, key: 'maxDataBytes' } }),
    ...(file5.allowedOrigins === undefined ? {} : { allowedOrigins: { value: file5.allowedOrigins, key: 'allowedOrigins' } }),
    ...(file5.console === undefined ? {} : { console: { value: file5.console, key: 'console' } }),
    ...(file5.extensions === undefined ? {} : { extensions: { value: file5.extensions, key: 'extensions' } }),
    ...(file5.auth === undefined ? {} : { authTokens: { value: file5.auth.token, key: 'auth.token' } }),
    ...(file5.tls === undefined ? {} : { tlsCert: { value: file5.tls.cert, key: 'tls.cert' }, tlsKey: { value: file5.tls.key, key: 'tls.key' } }),
  };
}

/** The file's `store` member as settings; a redis store is checked whole by the store's rules. */
function storeFromFile(store: { type: StoreType } & Record<string, unknown>): Layer {
  if (store.type === 'memory') return { storeType: { value: 'memory', key: 'store.type' } };
  try {
    const options = redisStoreOptions(store, 'store');
    const login = options.clusterOptions?.redisOptions;
    return {
      storeType: { value: 'redis', key: 'store.type' },
      redisNodes: { value: options.nodes, key: 'store.nodes' },
      ...(login?.password === undefined
        ? {}
        : { redisCredentials: { value: { ...(login.username === undefined ? {} : { username: login.username }), password: login.password }, key: 'store.password' } }),
      ...(options.keyPrefix === undefined ? {} : { redisKeyPrefix: { value: options.keyPrefix, key: 'store.keyPrefix' } }),
    };
  } catch (error) {
    if (!(error instanceof RedisConfigError)) throw error;
    // Its message starts with the member's path: "store.nodes[1] must be …".
    throw new ConfigError(error.message.split(' ')[0] ?? 'store', error.message);
  }
}

/**
 * The text without comments after the root value. The protocol's reader takes comments before and
 * inside the root value only (that is what requests need), but a hand-edited config file may well
 * end with one. Strings are skipped so that `"http://x"` is not taken for a comment.
 */
export function withoutTrailingComments(text: string): string {
  let end = 0; // just past the last character that is neither whitespace nor inside a comment
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      end = ++i;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return text; // unterminated: let the reader report it
      i = close + 2;
    } else {
      if (!/\s/.test(c ?? '')) end = i + 1;
      i++;
    }
  }
  return text.slice(0, end);
}

/** Text (env, flags) to the value a schema checks: digits become a number, anything else stays text and fails with the rule. */
function fromIntText(text: string): unknown {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : text;
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);
function fromBoolText(text: string): unknown {
  const word = text.trim().toLowerCase();
  return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : text;
}

/** Environment variables read, with the setting each one sets. */
export const ENV_VARS = {
  host: 'NEMESISDB_HOST',
  port: 'NEMESISDB_PORT',
  maxPayload: 'NEMESISDB_MAX_PAYLOAD',
  maxConnections: 'NEMESISDB_MAX_CONNECTIONS',
  persistEnabled: 'NEMESISDB_PERSIST_ENABLED',
  persistPath: 'NEMESISDB_PERSIST_PATH',
  journal: 'NEMESISDB_JOURNAL',
  maxBufferedBytes: 'NEMESISDB_MAX_BUFFERED_BYTES',
  maxDataBytes: 'NEMESISDB_MAX_DATA_BYTES',
  authTokens: 'NEMESISDB_AUTH_TOKEN',
  tlsCert: 'NEMESISDB_TLS_CERT',
  tlsKey: 'NEMESISDB_TLS_KEY',
  allowedOrigins: 'NEMESISDB_ALLOWED_ORIGINS',
  console: 'NEMESISDB_CONSOLE',
  extensions: 'NEMESISDB_EXTENSIONS',
  storeType: 'NEMESISDB_STORE',
  redisNodes: 'NEMESISDB_REDIS_NODES',
  redisKeyPrefix: 'NEMESISDB_REDIS_KEY_PREFIX',
  redisUsername: 'NEMESISDB_REDIS_USERNAME',
  redisPassword: 'NEMESISDB_REDIS_PASSWORD',
  logLevel: 'NEMESISDB_LOG_LEVEL',
} as const;

function readEnv(env: Readonly<Record<string, string | undefined>>): Layer {
  const layer: Layer = {};
  // An empty variable counts as unset: `NEMESISDB_PORT= nemesisdb` is a common way to clear one.
  const get = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);
  let text: string | undefined;
  if ((text = get(ENV_VARS.host)) !== undefined) layer.host = { value: check(schemas.host, ENV_VARS.host, text.trim()), key: ENV_VARS.host };
  if ((text = get(ENV_VARS.port)) !== undefined) layer.port = { value: check(schemas.port, ENV_VARS.port, fromIntText(text)), key: ENV_VARS.port };
  if ((text = get(ENV_VARS.maxPayload)) !== undefined) {
    layer.maxPayload = { value: check(schemas.maxPayload, ENV_VARS.maxPayload, fromIntText(text)), key: ENV_VARS.maxPayload };
  }
  if ((text = get(ENV_VARS.maxConnections)) !== undefined) {
    layer.maxConnections = { value: check(schemas.maxConnections, ENV_VARS.maxConnections, fromIntText(text)), key: ENV_VARS.maxConnections };
  }
  if ((text = get(ENV_VARS.persistEnabled)) !== undefined) {
    layer.persistEnabled = { value: check(schemas.enabled, ENV_VARS.persistEnabled, fromBoolText(text)), key: ENV_VARS.persistEnabled };
  }
  if ((text = get(ENV_VARS.persistPath)) !== undefined) layer.persistPath = { value: text, key: ENV_VARS.persistPath };
  if ((text = get(ENV_VARS.journal)) !== undefined) {
    layer.journal = { value: check(schemas.journal, ENV_VARS.journal, text.trim().toLowerCase()), key: ENV_VARS.journal };
  }
  if ((text = get(ENV_VARS.logLevel)) !== undefined) {
    layer.logLevel = { value: check(schemas.logLevel, ENV_VARS.logLevel, text.trim().toLowerCase()), key: ENV_VARS.logLevel };
  }
  if ((text = get(ENV_VARS.maxBufferedBytes)) !== undefined) {
    layer.maxBufferedBytes = { value: check(schemas.maxBufferedBytes, ENV_VARS.maxBufferedBytes, fromIntText(text)), key: ENV_VARS.maxBufferedBytes };
  }
  if ((text = get(ENV_VARS.maxDataBytes)) !== undefined) {
    layer.maxDataBytes = { value: check(schemas.maxDataBytes, ENV_VARS.maxDataBytes, fromIntText(text)), key: ENV_VARS.maxDataBytes };
  }
  // Several tokens or origins: comma-separated.
  if ((text = get(ENV_VARS.authTokens)) !== undefined) {
    layer.authTokens = { value: check(schemas.tokens, ENV_VARS.authTokens, splitList(text)), key: ENV_VARS.authTokens };
  }
  if ((text = get(ENV_VARS.allowedOrigins)) !== undefined) {
    layer.allowedOrigins = { value: check(schemas.origins, ENV_VARS.allowedOrigins, splitList(text)), key: ENV_VARS.allowedOrigins };
  }
  if ((text = get(ENV_VARS.console)) !== undefined) {
    layer.console = { value: check(schemas.enabled, ENV_VARS.console, fromBoolText(text)), key: ENV_VARS.console };
  }
  if ((text = get(ENV_VARS.extensions)) !== undefined) {
    layer.extensions = { value: check(schemas.enabled, ENV_VARS.extensions, fromBoolText(text)), key: ENV_VARS.extensions };
  }
  if ((text = get(ENV_VARS.storeType)) !== undefined) {
    layer.storeType = { value: check(schemas.storeType, ENV_VARS.storeType, text.trim().toLowerCase()), key: ENV_VARS.storeType };
  }
  if ((text = get(ENV_VARS.redisNodes)) !== undefined) layer.redisNodes = { value: redisNodesFromText(ENV_VARS.redisNodes, text), key: ENV_VARS.redisNodes };
  if ((text = get(ENV_VARS.redisKeyPrefix)) !== undefined) {
    layer.redisKeyPrefix = { value: check(schemas.redisKeyPrefix, ENV_VARS.redisKeyPrefix, text), key: ENV_VARS.redisKeyPrefix };
  }
  // Credentials come from the file or the environment, never from flags (command lines are visible).
  if ((text = get(ENV_VARS.redisPassword)) !== undefined) {
    const username = get(ENV_VARS.redisUsername);
    layer.redisCredentials = { value: username === undefined ? { password: text } : { username, password: text }, key: ENV_VARS.redisPassword };
  } else if (get(ENV_VARS.redisUsername) !== undefined) {
    throw new ConfigError(ENV_VARS.redisUsername, `${ENV_VARS.redisUsername} needs ${ENV_VARS.redisPassword}`);
  }
  if ((text = get(ENV_VARS.tlsCert)) !== undefined) layer.tlsCert = { value: text, key: ENV_VARS.tlsCert };
  if ((text = get(ENV_VARS.tlsKey)) !== undefined) layer.tlsKey = { value: text, key: ENV_VARS.tlsKey };
  return layer;
}

function splitList(text: string): string[] {
  return text.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

function readFlags(flags: CliFlags): Layer {
  const layer: Layer = {};
  if (flags.host !== undefined) layer.host = { value: check(schemas.host, '--host', flags.host.trim()), key: '--host' };
  if (flags.port !== undefined) layer.port = { value: check(schemas.port, '--port', fromIntText(flags.port)), key: '--port' };
  if (flags.maxPayload !== undefined) {
    layer.maxPayload = { value: check(schemas.maxPayload, '--max-payload', fromIntText(flags.maxPayload)), key: '--max-payload' };
  }
  if (flags.maxConnections !== undefined) {
    layer.maxConnections = { value: check(schemas.maxConnections, '--max-connections', fromIntText(flags.maxConnections)), key: '--max-connections' };
  }
  if (flags.persistEnabled !== undefined) layer.persistEnabled = { value: flags.persistEnabled, key: '--persist-enabled' };
  if (flags.persistPath !== undefined) layer.persistPath = { value: flags.persistPath, key: '--persist-path' };
  if (flags.journal !== undefined) layer.journal = { value: check(schemas.journal, '--journal', flags.journal.trim().toLowerCase()), key: '--journal' };
  if (flags.logLevel !== undefined) {
    layer.logLevel = { value: check(schemas.logLevel, '--log-level', flags.logLevel.trim().toLowerCase()), key: '--log-level' };
  }
  if (flags.maxBufferedBytes !== undefined) {
    layer.maxBufferedBytes = { value: check(schemas.maxBufferedBytes, '--max-buffered-bytes', fromIntText(flags.maxBufferedBytes)), key: '--max-buffered-bytes' };
  }
  if (flags.maxDataBytes !== undefined) {
    layer.maxDataBytes = { value: check(schemas.maxDataBytes, '--max-data-bytes', fromIntText(flags.maxDataBytes)), key: '--max-data-bytes' };
  }
  if (flags.allowedOrigins !== undefined) {
    layer.allowedOrigins = { value: check(schemas.origins, '--allowed-origins', splitList(flags.allowedOrigins)), key: '--allowed-origins' };
  }
  if (flags.console !== undefined) layer.console = { value: flags.console, key: '--console' };
  if (flags.extensions !== undefined) layer.extensions = { value: flags.extensions, key: '--extensions' };
  if (flags.store !== undefined) layer.storeType = { value: check(schemas.storeType, '--store', flags.store.trim().toLowerCase()), key: '--store' };
  if (flags.redisNodes !== undefined) layer.redisNodes = { value: redisNodesFromText('--redis-nodes', flags.redisNodes), key: '--redis-nodes' };
  if (flags.redisKeyPrefix !== undefined) {
    layer.redisKeyPrefix = { value: check(schemas.redisKeyPrefix, '--redis-key-prefix', flags.redisKeyPrefix), key: '--redis-key-prefix' };
  }
  if (flags.tlsCert !== undefined) layer.tlsCert = { value: flags.tlsCert, key: '--tls-cert' };
  if (flags.tlsKey !== undefined) layer.tlsKey = { value: flags.tlsKey, key: '--tls-key' };
  return layer;
}

// ---------------------------------------------------------------------------------------------
// Checks that need the merged result or the file system.

/** A directory problem in words, or null when `dir` is an existing (and, if asked, writable) directory. */
function directoryProblem(fs: ConfigFs, dir: string, writable: boolean): string | null {
  let isDirectory: boolean;
  try {
    isDirectory = fs.isDirectory(dir);
  } catch (error) {
    return `it cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
  }
  if (!isDirectory) return 'it does not exist or is not a directory';
  if (!writable) return null;
  try {
    fs.probeWritable(dir);
  } catch (error) {
    return `it is not writable: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
  }
  return null;
}

/** A dataset name used as a path component (rule of §14 D6): no escaping the directory. */
function isDatasetName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name);
}

/** The store, with the settings that do not go with a shared cluster refused by name. */
function resolveStore(merged: Required<Layer>, journal: FsyncPolicy | null): StoreConfig {
  if (merged.storeType.value === 'memory') return { type: 'memory' };
  const { key } = merged.storeType;
  if (merged.redisNodes.value === null) {
    throw new ConfigError(key, `${key} is "redis": the cluster's nodes are needed too (store.nodes, --redis-nodes or NEMESISDB_REDIS_NODES)`);
  }
  // The cluster is the state: several servers replaying their own journals into it would be wrong.
  if (journal !== null) {
    throw new ConfigError(merged.journal.key, `${merged.journal.key} works with the memory store only (${key} is "redis": use the cluster's own AOF and replicas)`);
  }
  // maxDataBytes measures this process's heap, which holds none of the cluster's data.
  if (merged.maxDataBytes.value !== null) {
    throw new ConfigError(merged.maxDataBytes.key, `${merged.maxDataBytes.key} works with the memory store only (${key} is "redis": set maxmemory on the cluster)`);
  }
  return { type: 'redis', nodes: merged.redisNodes.value, keyPrefix: merged.redisKeyPrefix.value, credentials: merged.redisCredentials.value };
}

/** Resolves the settings from the already-read flags (see {@link resolveConfig}). */
export function resolveFromFlags(flags: CliFlags, input: Omit<ResolveConfigInput, 'argv'> = {}): ResolvedConfig {
  const fs: ConfigFs = { ...nodeConfigFs, ...input.fs };
  const cwd = input.cwd ?? process.cwd();
  const env = input.env ?? {};

  const configFile = flags.config === undefined ? null : resolve(cwd, flags.config);
  const layers = [defaults(), configFile === null ? {} : readConfigFile(configFile, fs), readEnv(env), readFlags(flags)];
  // Each layer holds only the settings it sets, so a plain assign gives the highest one per key.
  const merged: Required<Layer> = Object.assign({}, ...layers);

  // Upstream checks the persist directory only when persistence is enabled: it must be non-empty,
  // exist and accept a new file. The path is relative to the working directory, not to the file.
  const persistPath = resolve(cwd, merged.persistPath.value);
  if (merged.persistEnabled.value) {
    const { key, value } = merged.persistPath;
    const problem = value.trim() === '' ? 'it is empty' : directoryProblem(fs, persistPath, true);
    if (problem !== null) {
      throw new ConfigError(key, `${key} must be an existing writable directory when persistence is enabled (got ${show(value)}: ${problem})`);
    }
  }

  // The journal lives in the persist directory, so it needs persistence (and its checks) on.
  const journal = merged.journal.value === 'off' ? null : merged.journal.value;
  if (journal !== null && !merged.persistEnabled.value) {
    throw new ConfigError(merged.journal.key, `${merged.journal.key} needs persistence enabled (persist.enabled, --persist-enabled or NEMESISDB_PERSIST_ENABLED)`);
  }

  const store = resolveStore(merged, journal);

  // Start-up load (§11.4). Upstream crashes on --loadPath without --loadName (§14 D14).
  let load: ResolvedConfig['load'] = null;
  if (flags.loadPath !== undefined && flags.loadName === undefined) {
    throw new ConfigError('--loadPath', '--loadPath needs --loadName (the dataset to load from that directory)');
  }
  if (flags.loadName !== undefined) {
    if (!isDatasetName(flags.loadName)) {
      throw invalid('--loadName', 'must be a dataset name: not empty, not "." or "..", without "/", "\\" or NUL', flags.loadName);
    }
    let path = persistPath;
    if (flags.loadPath !== undefined) {
      path = resolve(cwd, flags.loadPath);
      const problem = flags.loadPath.trim() === '' ? 'it is empty' : directoryProblem(fs, path, false);
      if (problem !== null) throw new ConfigError('--loadPath', `--loadPath must be an existing directory (got ${show(flags.loadPath)}: ${problem})`);
    }
    load = { name: flags.loadName, path };
  }

  // Tokens are not taken from the command line, where every user of the machine can read them:
  // from the config file, NEMESISDB_AUTH_TOKEN or --auth-token-file.
  let authTokens = merged.authTokens.value;
  if (flags.authTokenFile !== undefined) {
    const file = resolve(cwd, flags.authTokenFile);
    let text: string;
    try {
      text = fs.readFile(file);
    } catch {
      throw new ConfigError('--auth-token-file', `--auth-token-file ${RULE.file} (got ${show(flags.authTokenFile)})`);
    }
    authTokens = check(schemas.tokens, '--auth-token-file', text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== ''));
  }

  // TLS needs both files; they are read now so that a bad path stops the start with one line.
  let tls: ResolvedConfig['tls'] = null;
  const cert = merged.tlsCert.value;
  const key = merged.tlsKey.value;
  if ((cert === null) !== (key === null)) {
    const missing = cert === null ? merged.tlsCert.key : merged.tlsKey.key;
    throw new ConfigError(missing, `${missing} is needed too: TLS takes a certificate and its key`);
  }
  if (cert !== null && key !== null) {
    const read = (source: Sourced<string | null>) => {
      const path = resolve(cwd, source.value!);
      try {
        return { path, text: fs.readFile(path) };
      } catch {
        throw invalid(source.key, RULE.file, source.value);
      }
    };
    const certFile = read(merged.tlsCert);
    const keyFile = read(merged.tlsKey);
    tls = { cert: certFile.text, key: keyFile.text, certFile: certFile.path, keyFile: keyFile.path };
  }

  return {
    host: merged.host.value,
    port: merged.port.value,
    maxPayload: merged.maxPayload.value,
    maxConnections: merged.maxConnections.value,
    maxBufferedBytes: merged.maxBufferedBytes.value,
    maxDataBytes: merged.maxDataBytes.value,
    authTokens,
    tls,
    allowedOrigins: merged.allowedOrigins.value,
    console: merged.console.value,
    extensions: merged.extensions.value,
    store,
    core: merged.core.value,
    persist: { enabled: merged.persistEnabled.value, path: persistPath, journal },
    logLevel: merged.logLevel.value,
    configFile,
    load,
  };
}

/**
 * Reads the command line, the config file it names and the `NEMESISDB_*` environment variables,
 * and returns the settings to run with, text to print (`--help`, `--version`) or the first problem
 * found. Never exits or prints: the caller does.
 */
export function resolveConfig(input: ResolveConfigInput): ConfigResult {
  const args = parseArgs(input.argv);
  if (args.kind === 'exit') return args;
  if (args.kind === 'error') return { kind: 'error', error: new ConfigError('argv', args.message) };
  try {
    return { kind: 'config', config: resolveFromFlags(args.flags, input) };
  } catch (error) {
    if (error instanceof ConfigError) return { kind: 'error', error };
    throw error;
  }
}
