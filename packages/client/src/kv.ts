import type { JsonObject, JsonValue } from '@nemesisdb/protocol';
import type { CommandRunner, RequestOptions } from './command.js';
import { presence, type FoundValues, type KeyValues, type SaveResult } from './values.js';

/** Options of {@link KeyValueStore.find}. */
export interface FindOptions extends RequestOptions {
  /** Search only these keys (absent ones are skipped). Absent or empty: every key. */
  keys?: readonly string[];
}

/** The result of {@link KeyValueStore.load}. */
export interface KvLoadResult {
  /** The dataset name. */
  name: string;
  /** Keys loaded (existing keys of the same name are overwritten). */
  keys: number;
  /** Milliseconds the server spent loading. */
  durationMs: number;
}

/** Options of {@link KeyValueStore.arrAppend}. */
export interface ArrAppendOptions extends RequestOptions {
  /** Append to the array in this member of the key's object value, instead of the value itself. */
  name?: string;
}

/**
 * The independent keys (`KV_*` commands, `db.kv`): one map shared by every client, separate from
 * every session, never expiring.
 *
 * Absent keys: `get` leaves them out, `contains` answers false, `remove` ignores them; `update`
 * and `arrAppend` reject with status 22 (`KeyNotExist`).
 */
export class KeyValueStore {
  /** @internal Use `db.kv`. */
  constructor(private readonly runner: CommandRunner) {}

  /** Stores keys, overwriting existing ones (KV_SET). */
  async set(keys: KeyValues, options?: RequestOptions): Promise<void> {
    await this.runner.run('KV_SET', { keys }, options);
  }

  /** Stores keys that do not exist yet; existing keys are left as they are (KV_ADD). */
  async add(keys: KeyValues, options?: RequestOptions): Promise<void> {
    await this.runner.run('KV_ADD', { keys }, options);
  }

  /** Reads keys (KV_GET). Only keys that exist are members of the result. */
  async get<K extends string>(keys: readonly K[], options?: RequestOptions): Promise<FoundValues<K>> {
    return (await this.runner.run('KV_GET', { keys }, options)).keys as FoundValues<K>;
  }

  /** Deletes keys; absent keys are ignored (KV_RMV). `keys` must not be empty (status 42). */
  async remove(keys: readonly string[], options?: RequestOptions): Promise<void> {
    await this.runner.run('KV_RMV', { keys }, options);
  }

  /** Deletes every key and returns how many there were (KV_CLEAR). Sessions are not touched. */
  async clear(options?: RequestOptions): Promise<number> {
    return (await this.runner.run('KV_CLEAR', {}, options)).cnt;
  }

  /** Replaces all keys with `keys`; returns how many keys were removed first (KV_CLEAR_SET). */
  async clearSet(keys: KeyValues, options?: RequestOptions): Promise<number> {
    return (await this.runner.run('KV_CLEAR_SET', { keys }, options)).cnt;
  }

  /** The number of keys (KV_COUNT). */
  async count(options?: RequestOptions): Promise<number> {
    return (await this.runner.run('KV_COUNT', {}, options)).cnt;
  }

  /** Whether `key` exists (KV_CONTAINS). */
  contains(key: string, options?: RequestOptions): Promise<boolean>;
  /** Whether each key exists: one boolean per key, in the same order (KV_CONTAINS). */
  contains(keys: readonly string[], options?: RequestOptions): Promise<boolean[]>;
  async contains(keys: string | readonly string[], options?: RequestOptions): Promise<boolean | boolean[]> {
    const asked = typeof keys === 'string' ? [keys] : keys;
    const body = await this.runner.run('KV_CONTAINS', { keys: asked }, options);
    const found = presence(asked, body.contains);
    return typeof keys === 'string' ? found[0]! : found;
  }

  /** The names of all keys, in no particular order (KV_KEYS). */
  async keys(options?: RequestOptions): Promise<string[]> {
    return (await this.runner.run('KV_KEYS', {}, options)).keys;
  }

  /**
   * Finds the keys whose value matches a JSONPath (KV_FIND with `rsp: "keys"`), e.g.
   * `await db.kv.find("$[?(@.make == 'Samsung')]")`. The path is evaluated against each key's
   * value. Rejects with status 4 (`PathInvalid`) for a path that does not parse.
   */
  find(path: string, options?: FindOptions): Promise<string[]>;
  /**
   * Finds matching values: `'keys'` gives the matching key names, `'paths'` the normalized paths
   * of every matched node (relative to the value, without the key name), `'kv'` the whole values
   * of the matching keys.
   */
  find(path: string, result: 'keys' | 'paths', options?: FindOptions): Promise<string[]>;
  find(path: string, result: 'kv', options?: FindOptions): Promise<JsonObject>;
  async find(
    path: string,
    resultOrOptions?: 'keys' | 'paths' | 'kv' | FindOptions,
    maybeOptions?: FindOptions,
  ): Promise<string[] | JsonObject> {
    const [rsp, options] = typeof resultOrOptions === 'string' ? [resultOrOptions, maybeOptions] : ['keys' as const, resultOrOptions];
    const body = options?.keys === undefined ? { path, rsp } : { path, rsp, keys: options.keys };
    const reply: Record<string, unknown> = await this.runner.run('KV_FIND', body, options);
    // The reply has `keys` (names or values) or `paths`, as asked: the schema checked which.
    return (rsp === 'paths' ? reply.paths : reply.keys) as string[] | JsonObject;
  }

  /**
   * Replaces every node `path` selects inside the value of `key` with `value` (KV_UPDATE; `$` is
   * the whole value) and returns how many were replaced (0 when none matched). Rejects with status
   * 22 (`KeyNotExist`) when the key does not exist, and with 1000 (in the `ERR` envelope) for a
   * path that does not parse.
   *
   * @throws TypeError (as a rejection) when `value` is `undefined`.
   */
  async update(key: string, path: string, value: unknown, options?: RequestOptions): Promise<number> {
    // An undefined member is left out of the JSON, which the server answers with ParamMissing:
    // say so before sending (null is a value and is sent).
    if (value === undefined) throw new TypeError('update(): value must not be undefined (null is allowed)');
    return (await this.runner.run('KV_UPDATE', { key, path, value: value as JsonValue }, options)).cnt;
  }

  /**
   * Appends `items` to the array stored at `key` — or, with `name`, to the array in member `name`
   * of the key's object value (KV_ARR_APPEND). Rejects with status 22 when the key does not exist
   * and 1000 when the target is not an array.
   */
  async arrAppend(key: string, items: readonly unknown[], options: ArrAppendOptions = {}): Promise<void> {
    const body = options.name === undefined ? { key, items } : { key, items, name: options.name };
    await this.runner.run('KV_ARR_APPEND', body, options);
  }

  /**
   * Saves every key to the dataset `name` on the server (KV_SAVE, success status 121). Rejects
   * with status 14 (`CommandDisabled`) when the server runs without persistence.
   */
  async save(name: string, options?: RequestOptions): Promise<SaveResult> {
    const reply = await this.runner.run('KV_SAVE', { name }, options);
    return { name: reply.name, durationMs: reply.duration };
  }

  /**
   * Loads the keys of dataset `name` (KV_LOAD, success status 141), overwriting keys of the same
   * name. Rejects with status 142 (`LoadError`) when there is no such dataset.
   */
  async load(name: string, options?: RequestOptions): Promise<KvLoadResult> {
    const reply = await this.runner.run('KV_LOAD', { name }, options);
    return { name: reply.name, keys: reply.keys, durationMs: reply.duration };
  }
}
