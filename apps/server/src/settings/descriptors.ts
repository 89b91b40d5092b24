// One descriptor per setting: where it is read (config-file member, environment variable, flag),
// the rule it is checked against, its default and the line that documents it. The file reader,
// the environment and flag readers, the commander options, `--help` and the README's tables are
// all derived from this table (settings.test.ts keeps the README equal to it).
import {
  DEFAULT_HOST,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_PAYLOAD,
  DEFAULT_PORT,
  MAX_MAX_PAYLOAD,
} from '@nemesisdb/server';
import { DEFAULT_KEY_PREFIX, type RedisNode, type RedisOrdering } from '@nemesisdb/store-redis';
import { z } from 'zod';
import { JOURNAL_POLICIES, LOG_LEVELS, bytes, fromText, integer, quotedChoice, schemas, type LogLevel, type StoreType } from './rules.js';

/** The only config file version this server reads (upstream v0.7.4 writes and requires 5). */
export const CONFIG_VERSION = 5;
/** Smallest `maxPayload` (upstream's lower bound; the upper one is ours, §14 D21). */
export const MIN_MAX_PAYLOAD = 64;
/** Upstream's `persist.path` default (shipped `server/configs/default.jsonc`). */
export const DEFAULT_PERSIST_PATH = './data';
/** Highest `--max-connections`: far beyond what one process serves, low enough to be a number. */
export const MAX_MAX_CONNECTIONS = 1_000_000;

const PORT = integer(0, 65535);
const MAX_PAYLOAD = integer(MIN_MAX_PAYLOAD, MAX_MAX_PAYLOAD, { bytes: true });
const MAX_CONNECTIONS = integer(1, MAX_MAX_CONNECTIONS);
const MAX_BUFFERED_BYTES = integer(64 * 1024, 1024 ** 3, { bytes: true });
const MAX_DATA_BYTES = integer(1024 * 1024, undefined, { bytes: true });
const CORE = { schema: z.int({ error: 'must be a non-negative integer' }).min(0, { error: 'must be a non-negative integer' }) };

export interface Setting<T> {
  /** Its member in the config file, dotted (`persist.journal.fsync`); absent: not read from the file. */
  readonly file?: string;
  /** Whether the file must have it (when the object holding it is there): upstream's required keys. */
  readonly fileRequired?: boolean;
  /** What the file's member is checked with, when it differs from `schema` (a token or a list of them). */
  readonly fileSchema?: z.ZodType<T>;
  /** Its environment variable; absent: none. */
  readonly env?: string;
  /** Its flag with its value's name (`--port <port>`), or the name alone for a switch. */
  readonly flag?: string;
  /** A switch: `on-off` takes `--x` and `--no-x`, `off` only `--no-x` (the setting is on by default). */
  readonly switch?: 'on-off' | 'off';
  /** Text (environment, flag) to the value `schema` checks. */
  readonly fromText?: (text: string, key: string) => unknown;
  readonly schema: z.ZodType<T>;
  readonly default: T;
  /** The default as the docs write it. */
  readonly defaultText: string;
  /** What it does, one line (Markdown: backticks are dropped for `--help`). */
  readonly help: string;
  /** `--no-x`'s line, for an `on-off` switch. */
  readonly offHelp?: string;
}

/** Every setting that a layer (config file, environment, flags) can set, in the order the docs list them. */
export const SETTINGS = {
  host: {
    file: 'ip',
    fileRequired: true,
    env: 'NEMESISDB_HOST',
    flag: '--host <address>',
    fromText: fromText.trimmed,
    schema: schemas.host,
    default: DEFAULT_HOST,
    defaultText: `\`${DEFAULT_HOST}\``,
    help: 'interface to listen on (IPv4, IPv6 or host name)',
  },
  port: {
    file: 'port',
    fileRequired: true,
    env: 'NEMESISDB_PORT',
    flag: '--port <port>',
    fromText: fromText.integer,
    schema: PORT.schema,
    default: DEFAULT_PORT,
    defaultText: `\`${DEFAULT_PORT}\``,
    help: `TCP port, ${PORT.range}; \`0\` picks a free port`,
  },
  maxPayload: {
    file: 'maxPayload',
    fileRequired: true,
    env: 'NEMESISDB_MAX_PAYLOAD',
    flag: '--max-payload <bytes>',
    fromText: fromText.integer,
    schema: MAX_PAYLOAD.schema,
    default: DEFAULT_MAX_PAYLOAD,
    defaultText: `${bytes(DEFAULT_MAX_PAYLOAD)} (${DEFAULT_MAX_PAYLOAD})`,
    help: `largest inbound message, ${MAX_PAYLOAD.range}; larger closes the connection with 1009`,
  },
  maxConnections: {
    file: 'maxConnections',
    env: 'NEMESISDB_MAX_CONNECTIONS',
    flag: '--max-connections <n>',
    fromText: fromText.integer,
    schema: MAX_CONNECTIONS.schema,
    default: DEFAULT_MAX_CONNECTIONS,
    defaultText: String(DEFAULT_MAX_CONNECTIONS),
    help: `open connections allowed, ${MAX_CONNECTIONS.range}; further ones are refused (HTTP 503)`,
  },
  core: {
    file: 'core',
    schema: CORE.schema,
    default: 0,
    defaultText: '`0`',
    help: 'upstream pins its thread to this CPU core; read and ignored (Node has no such thing)',
  },
  persistEnabled: {
    file: 'persist.enabled',
    fileRequired: true,
    env: 'NEMESISDB_PERSIST_ENABLED',
    flag: '--persist-enabled',
    switch: 'on-off',
    fromText: fromText.boolean,
    schema: schemas.enabled,
    default: false,
    defaultText: 'off',
    help: 'enable SH_SAVE/KV_SAVE (see *Persistence*)',
    offHelp: 'disable SH_SAVE/KV_SAVE, whatever the config file says',
  },
  persistPath: {
    file: 'persist.path',
    fileRequired: true,
    env: 'NEMESISDB_PERSIST_PATH',
    flag: '--persist-path <dir>',
    fromText: fromText.asIs,
    schema: schemas.path,
    default: DEFAULT_PERSIST_PATH,
    defaultText: `\`${DEFAULT_PERSIST_PATH}\``,
    help: 'directory of saved datasets, relative to the working directory',
  },
  journal: {
    file: 'persist.journal.fsync',
    fileRequired: true,
    env: 'NEMESISDB_JOURNAL',
    flag: '--journal <fsync>',
    fromText: fromText.word,
    schema: schemas.journal,
    default: 'off' as (typeof JOURNAL_POLICIES)[number],
    defaultText: 'off',
    help: 'journal every change: `always`, `everysec`, `no` (the fsync policy) or `off` (needs persistence)',
  },
  maxBufferedBytes: {
    file: 'maxBufferedBytes',
    env: 'NEMESISDB_MAX_BUFFERED_BYTES',
    flag: '--max-buffered-bytes <bytes>',
    fromText: fromText.integer,
    schema: MAX_BUFFERED_BYTES.schema,
    default: DEFAULT_MAX_BUFFERED_BYTES,
    defaultText: bytes(DEFAULT_MAX_BUFFERED_BYTES),
    help: `replies buffered for one connection before its reading pauses (${MAX_BUFFERED_BYTES.range})`,
  },
  maxDataBytes: {
    file: 'maxDataBytes',
    env: 'NEMESISDB_MAX_DATA_BYTES',
    flag: '--max-data-bytes <bytes>',
    fromText: fromText.integer,
    schema: MAX_DATA_BYTES.schema,
    default: null as number | null,
    defaultText: 'none',
    help: `memory in use (V8's heap and its typed arrays) past which commands that add data are refused (${MAX_DATA_BYTES.range}; memory store only)`,
  },
  authTokens: {
    file: 'auth.token',
    fileRequired: true,
    fileSchema: z
      .union([z.string(), z.array(z.string())])
      .transform((token) => (Array.isArray(token) ? token : [token]))
      .pipe(schemas.tokens),
    env: 'NEMESISDB_AUTH_TOKEN',
    fromText: fromText.list,
    schema: schemas.tokens,
    default: [] as string[],
    defaultText: 'none',
    help: 'bearer tokens (≥ 16 characters) clients must present: a token or a list in the file, comma-separated in the variable; no flag takes one (command lines are visible to every user): see `--auth-token-file`',
  },
  tlsCert: {
    file: 'tls.cert',
    fileRequired: true,
    env: 'NEMESISDB_TLS_CERT',
    flag: '--tls-cert <file>',
    fromText: fromText.asIs,
    schema: schemas.file,
    default: null as string | null,
    defaultText: 'none',
    help: 'PEM certificate chain: serve `wss://` and HTTPS (with `--tls-key`)',
  },
  tlsKey: {
    file: 'tls.key',
    fileRequired: true,
    env: 'NEMESISDB_TLS_KEY',
    flag: '--tls-key <file>',
    fromText: fromText.asIs,
    schema: schemas.file,
    default: null as string | null,
    defaultText: 'none',
    help: 'PEM private key of `--tls-cert`',
  },
  allowedOrigins: {
    file: 'allowedOrigins',
    env: 'NEMESISDB_ALLOWED_ORIGINS',
    flag: '--allowed-origins <list>',
    fromText: fromText.list,
    schema: schemas.origins,
    default: null as string[] | null,
    defaultText: 'any',
    help: 'comma-separated browser origins allowed to connect (a list in the config file)',
  },
  console: {
    file: 'console',
    env: 'NEMESISDB_CONSOLE',
    flag: '--console',
    switch: 'off',
    fromText: fromText.boolean,
    schema: schemas.enabled,
    default: true,
    defaultText: 'served',
    help: 'do not serve the web console on `GET /`',
  },
  extensions: {
    file: 'extensions',
    env: 'NEMESISDB_EXTENSIONS',
    flag: '--extensions',
    switch: 'off',
    fromText: fromText.boolean,
    schema: schemas.enabled,
    default: true,
    defaultText: 'on',
    help: 'answer exactly as v0.7.4: no shared sessions, `SH_OPEN` and `SH_SET_EXPIRY` are unknown commands',
  },
  store: {
    file: 'store.type',
    env: 'NEMESISDB_STORE',
    flag: '--store <type>',
    fromText: fromText.word,
    schema: schemas.storeType,
    default: 'memory' as StoreType,
    defaultText: '`memory`',
    help: 'where the data lives: `memory` (this process) or `redis` (a Redis Cluster several servers share)',
  },
  redisNodes: {
    file: 'store.nodes',
    env: 'NEMESISDB_REDIS_NODES',
    flag: '--redis-nodes <list>',
    fromText: fromText.redisNodes,
    schema: schemas.redisNodes as z.ZodType<readonly RedisNode[]>,
    default: null as readonly RedisNode[] | null,
    defaultText: 'none',
    help: 'comma-separated `host:port` of some cluster nodes (`[::1]:7000` for IPv6); needed with `--store redis`',
  },
  redisKeyPrefix: {
    file: 'store.keyPrefix',
    env: 'NEMESISDB_REDIS_KEY_PREFIX',
    flag: '--redis-key-prefix <prefix>',
    fromText: fromText.asIs,
    schema: schemas.redisKeyPrefix,
    default: DEFAULT_KEY_PREFIX,
    defaultText: `\`${DEFAULT_KEY_PREFIX}\``,
    help: 'prefix of every Redis key; the servers of one deployment use the same',
  },
  redisOrdering: {
    file: 'store.ordering',
    env: 'NEMESISDB_REDIS_ORDERING',
    flag: '--redis-ordering <order>',
    fromText: fromText.word,
    schema: schemas.redisOrdering,
    default: 'session' as RedisOrdering,
    defaultText: '`session`',
    help: 'requests a connection pipelines take effect in order per `session` (those on different sessions side by side) or per `connection` (as on the memory store)',
  },
  // The cluster's login comes from the file or the environment, never from a flag (command lines
  // are visible to every user). A layer that sets the password sets the whole login.
  redisPassword: {
    file: 'store.password',
    env: 'NEMESISDB_REDIS_PASSWORD',
    fromText: fromText.asIs,
    schema: schemas.text,
    default: null as string | null,
    defaultText: 'none',
    help: "the cluster's password (no flag takes one)",
  },
  redisUsername: {
    file: 'store.username',
    env: 'NEMESISDB_REDIS_USERNAME',
    fromText: fromText.asIs,
    schema: schemas.text,
    default: null as string | null,
    defaultText: '`default`',
    help: "the cluster's user (ACL); needs the password from the same source",
  },
  logLevel: {
    env: 'NEMESISDB_LOG_LEVEL',
    flag: '--log-level <level>',
    fromText: fromText.word,
    schema: schemas.logLevel,
    default: 'info' as LogLevel,
    defaultText: '`info`',
    help: LOG_LEVELS.map((level) => `\`${level}\``)
      .join(', ')
      .replace(/, (?=[^,]*$)/, ' or '),
  },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry keeps its own value type
} satisfies Record<string, Setting<any>>;

export type SettingId = keyof typeof SETTINGS;
/** The value of a setting once checked. */
export type SettingValue<K extends SettingId> = (typeof SETTINGS)[K]['default'] | z.output<(typeof SETTINGS)[K]['schema']>;

/** The upstream config file's objects that hold settings, with the rule for the object itself. */
export const FILE_OBJECTS: Record<string, { required?: boolean; rule?: string }> = {
  persist: { required: true, rule: 'must be an object with "enabled" and "path"' },
  'persist.journal': { rule: `must be an object with "fsync" (${quotedChoice(JOURNAL_POLICIES.filter((policy) => policy !== 'off'))})` },
};

/** Flags that are not settings of a layer: they say what to read or load, or point at a file of secrets. */
export const COMMAND_LINE_ONLY = {
  config: {
    flag: '--config <file>',
    defaultText: 'none',
    help: 'upstream NemesisDB config file (JSON with comments, config version 5; see *Config file*)',
  },
  loadName: {
    flag: '--loadName <name>',
    defaultText: 'none',
    help: 'dataset to load at start-up, before listening (upstream spelling); a failure exits 1',
  },
  loadPath: {
    flag: '--loadPath <dir>',
    defaultText: 'the persist path',
    help: 'directory holding the `--loadName` dataset; must exist; needs `--loadName`',
  },
  authTokenFile: {
    flag: '--auth-token-file <file>',
    defaultText: 'none',
    help: 'file of bearer tokens clients must present, one per line (or `NEMESISDB_AUTH_TOKEN`)',
  },
} as const;

/** commander's own flags, for the docs. */
export const BUILT_IN_FLAGS = [
  { flag: '-v, --version', help: 'print the version and exit 0' },
  { flag: '-h, --help', help: 'print the options and exit 0 (upstream exits 1)' },
] as const;

/** The long name of a descriptor's flag: `--port <port>` → `--port`. */
export function flagName(flag: string): string {
  return flag.split(' ')[0]!;
}

type FlagSettingId = { [K in SettingId]: (typeof SETTINGS)[K] extends { flag: string } ? K : never }[SettingId];

/**
 * The flags as given, values still text (switches: booleans). A member is undefined when its flag
 * was not given, so that lower layers show through.
 */
export type CliFlags = {
  [K in FlagSettingId]?: (typeof SETTINGS)[K] extends { switch: string } ? boolean : string;
} & { [K in keyof typeof COMMAND_LINE_ONLY]?: string };

/** Environment variables read, with the setting each one sets. */
export const ENV_VARS = Object.fromEntries(
  Object.entries(SETTINGS).flatMap(([id, setting]) => ('env' in setting ? [[id, setting.env]] : [])),
) as {
  readonly [K in SettingId as (typeof SETTINGS)[K] extends { env: string } ? K : never]: (typeof SETTINGS)[K] extends { env: infer E }
    ? E
    : never;
};
