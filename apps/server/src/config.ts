// The server's settings: embedded defaults < upstream config file < NEMESISDB_* environment
// variables < command-line flags (docs/reference/protocol.md §12), setting by setting. Each setting
// is one descriptor (settings/descriptors.ts); this module merges the layers and checks what needs
// them all or the file system. Everything here is pure apart from the file system calls, which
// are injectable, so every rule is unit-tested without starting a process.
import * as nodeFs from 'node:fs';
import { join, resolve } from 'node:path';
import { isValidDatasetName, type FsyncPolicy } from '@nemesisdb/engine';
import type { RedisNode, RedisOrdering } from '@nemesisdb/store-redis';
import { parseArgs, type CliFlags } from './args.js';
import { readConfigFile } from './settings/config-file.js';
import { ConfigError, check, invalid, show } from './settings/errors.js';
import { defaults, readEnv, readFlags, type Layer, type Sourced } from './settings/layers.js';
import { RULE, schemas, type LogLevel } from './settings/rules.js';

export { withoutTrailingComments } from './settings/config-file.js';
export { CONFIG_VERSION, DEFAULT_PERSIST_PATH, ENV_VARS, MAX_MAX_CONNECTIONS, MIN_MAX_PAYLOAD, SETTINGS } from './settings/descriptors.js';
export { ConfigError } from './settings/errors.js';
export { LOG_LEVELS, STORE_TYPES, type LogLevel, type StoreType } from './settings/rules.js';

/** Settings the server runs with, after every layer was applied and checked. */
export interface ResolvedConfig {
  host: string;
  port: number;
  maxPayload: number;
  maxConnections: number;
  /** Replies buffered for one connection before its reading pauses (beyond upstream). */
  maxBufferedBytes: number;
  /** Heap in use past which commands that add data are refused; undefined: no ceiling (beyond upstream). */
  maxDataBytes: number | undefined;
  /** Bearer tokens clients must present; empty: no authentication (beyond upstream). */
  authTokens: string[];
  /** PEM contents of the certificate chain and key for wss://; undefined: plain ws:// (beyond upstream). */
  tls: { cert: string; key: string; certFile: string; keyFile: string } | undefined;
  /** Browser origins allowed to connect; undefined: any (beyond upstream). */
  allowedOrigins: string[] | undefined;
  /** Serve the web console on plain HTTP GET `/` (beyond upstream). */
  console: boolean;
  /** Our extensions to v0.7.4 (shared sessions, SH_OPEN; SH_SET_EXPIRY); false answers exactly as v0.7.4. */
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
    /** The journal's fsync policy (beyond upstream); undefined when there is no journal. */
    journal: FsyncPolicy | undefined;
  };
  logLevel: LogLevel;
  /** The config file read, absolute; undefined when none was given. */
  configFile: string | undefined;
  /**
   * Upstream's start-up load (`--loadName`, `--loadPath`, §11.4), checked but not performed yet.
   * `path` is absolute: `--loadPath`, else the persist path.
   */
  load: { name: string; path: string } | undefined;
}

export type StoreConfig =
  | { type: 'memory' }
  | {
      type: 'redis';
      nodes: readonly RedisNode[];
      keyPrefix: string;
      /** What keeps the order of a connection's pipelined requests (`RedisStoreOptions.ordering`). */
      ordering: RedisOrdering;
      /** Login to every node; undefined when the cluster needs none. Never logged. */
      credentials: { username?: string; password: string } | undefined;
    };

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
// Checks that need the merged result or the file system.

type Merged = Required<Layer>;

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

/** The store, with the settings that do not go with a shared cluster refused by name. */
function resolveStore(merged: Merged, journal: FsyncPolicy | undefined): StoreConfig {
  if (merged.store.value === 'memory') return { type: 'memory' };
  const { key } = merged.store;
  if (merged.redisNodes.value === null) {
    throw new ConfigError(
      key,
      `${key} is "redis": the cluster's nodes are needed too (store.nodes, --redis-nodes or NEMESISDB_REDIS_NODES)`,
    );
  }
  // The cluster is the state: several servers replaying their own journals into it would be wrong.
  if (journal !== undefined) {
    throw new ConfigError(
      merged.journal.key,
      `${merged.journal.key} works with the memory store only (${key} is "redis": use the cluster's own AOF and replicas)`,
    );
  }
  // maxDataBytes measures this process's heap, which holds none of the cluster's data.
  if (merged.maxDataBytes.value !== null) {
    throw new ConfigError(
      merged.maxDataBytes.key,
      `${merged.maxDataBytes.key} works with the memory store only (${key} is "redis": set maxmemory on the cluster)`,
    );
  }
  const password = merged.redisPassword.value;
  const username = merged.redisUsername.value;
  const credentials = password === null ? undefined : username === null ? { password } : { username, password };
  return {
    type: 'redis',
    nodes: merged.redisNodes.value,
    keyPrefix: merged.redisKeyPrefix.value,
    ordering: merged.redisOrdering.value,
    credentials,
  };
}

/** Upstream's start-up load (§11.4). Upstream crashes on --loadPath without --loadName (§14 D14). */
function resolveLoad(flags: CliFlags, cwd: string, persistPath: string, fs: ConfigFs): ResolvedConfig['load'] {
  if (flags.loadPath !== undefined && flags.loadName === undefined) {
    throw new ConfigError('--loadPath', '--loadPath needs --loadName (the dataset to load from that directory)');
  }
  if (flags.loadName === undefined) return undefined;
  if (!isValidDatasetName(flags.loadName)) {
    throw invalid('--loadName', 'must be a dataset name: not empty, not "." or "..", without "/", "\\" or NUL', flags.loadName);
  }
  let path = persistPath;
  if (flags.loadPath !== undefined) {
    path = resolve(cwd, flags.loadPath);
    const problem = flags.loadPath.trim() === '' ? 'it is empty' : directoryProblem(fs, path, false);
    if (problem !== null)
      throw new ConfigError('--loadPath', `--loadPath must be an existing directory (got ${show(flags.loadPath)}: ${problem})`);
  }
  return { name: flags.loadName, path };
}

/** TLS needs both files; they are read now so that a bad path stops the start with one line. */
function resolveTls(merged: Merged, cwd: string, fs: ConfigFs): ResolvedConfig['tls'] {
  const cert = merged.tlsCert.value;
  const key = merged.tlsKey.value;
  if ((cert === null) !== (key === null)) {
    const missing = cert === null ? merged.tlsCert.key : merged.tlsKey.key;
    throw new ConfigError(missing, `${missing} is needed too: TLS takes a certificate and its key`);
  }
  if (cert === null || key === null) return undefined;
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
  return { cert: certFile.text, key: keyFile.text, certFile: certFile.path, keyFile: keyFile.path };
}

/**
 * Tokens are not taken from the command line, where every user of the machine can read them:
 * from the config file, NEMESISDB_AUTH_TOKEN or --auth-token-file.
 */
function resolveTokens(merged: Merged, flags: CliFlags, cwd: string, fs: ConfigFs): string[] {
  if (flags.authTokenFile === undefined) return merged.authTokens.value;
  let text: string;
  try {
    text = fs.readFile(resolve(cwd, flags.authTokenFile));
  } catch {
    throw new ConfigError('--auth-token-file', `--auth-token-file ${RULE.file} (got ${show(flags.authTokenFile)})`);
  }
  return check(
    schemas.tokens,
    '--auth-token-file',
    text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== ''),
  );
}

/** Resolves the settings from the already-read flags (see {@link resolveConfig}). */
export function resolveFromFlags(flags: CliFlags, input: Omit<ResolveConfigInput, 'argv'> = {}): ResolvedConfig {
  const fs: ConfigFs = { ...nodeConfigFs, ...input.fs };
  const cwd = input.cwd ?? process.cwd();
  const env = input.env ?? {};

  const configFile = flags.config === undefined ? undefined : resolve(cwd, flags.config);
  const layers = [defaults(), configFile === undefined ? {} : readConfigFile(configFile, fs.readFile), readEnv(env), readFlags(flags)];
  // Each layer holds only the settings it sets, so a plain assign gives the highest one per key.
  const merged: Merged = Object.assign({}, ...layers);

  // Upstream checks the persist directory only when persistence is enabled: it must be non-empty,
  // exist and accept a new file. The path is relative to the working directory, not to the file.
  const persistPath = resolve(cwd, merged.persistPath.value);
  if (merged.persistEnabled.value) {
    const { key, value } = merged.persistPath;
    const problem = value.trim() === '' ? 'it is empty' : directoryProblem(fs, persistPath, true);
    if (problem !== null) {
      throw new ConfigError(
        key,
        `${key} must be an existing writable directory when persistence is enabled (got ${show(value)}: ${problem})`,
      );
    }
  }

  // The journal lives in the persist directory, so it needs persistence (and its checks) on.
  const journal = merged.journal.value === 'off' ? undefined : merged.journal.value;
  if (journal !== undefined && !merged.persistEnabled.value) {
    throw new ConfigError(
      merged.journal.key,
      `${merged.journal.key} needs persistence enabled (persist.enabled, --persist-enabled or NEMESISDB_PERSIST_ENABLED)`,
    );
  }

  const store = resolveStore(merged, journal);
  const load = resolveLoad(flags, cwd, persistPath, fs);
  const authTokens = resolveTokens(merged, flags, cwd, fs);
  const tls = resolveTls(merged, cwd, fs);

  return {
    host: merged.host.value,
    port: merged.port.value,
    maxPayload: merged.maxPayload.value,
    maxConnections: merged.maxConnections.value,
    maxBufferedBytes: merged.maxBufferedBytes.value,
    // The settings layer's null ("not set") ends here: the resolved config says absent with undefined.
    maxDataBytes: merged.maxDataBytes.value ?? undefined,
    authTokens,
    tls,
    allowedOrigins: merged.allowedOrigins.value ?? undefined,
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
