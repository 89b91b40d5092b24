import type { ExactJsonObject, ExactJsonValue, KvFindResult } from '@nemesisdb/protocol';
import { checkPath, replaceSelected, selectPaths } from '../../kv/jsonpath.js';
import { isJsonObject } from '@nemesisdb/protocol';
import { createMembers } from '../../objects.js';
import type { KvEditResult, KvEntry, KvStore, Snapshot } from '../store.js';
import { OpenSnapshots } from './open-snapshots.js';

/** The global KV map (docs/reference/protocol.md §10): independent keys that never expire. */
export class MemoryKv implements KvStore {
  private readonly map = new Map<string, ExactJsonValue>();
  /** While a snapshot is open, values are copied before edits in place. */
  private readonly snapshots = new OpenSnapshots();

  get size(): number {
    return this.map.size;
  }

  set(keys: ExactJsonObject, overwrite: boolean): void {
    const map = this.map;
    for (const key in keys) {
      if (overwrite || !map.has(key)) map.set(key, keys[key]!);
    }
  }

  get(keys: readonly ExactJsonValue[]): ExactJsonObject {
    const found = createMembers();
    for (const key of keys) {
      if (typeof key !== 'string') continue;
      const value = this.map.get(key);
      if (value !== undefined) found[key] = value;
    }
    return found;
  }

  remove(keys: readonly ExactJsonValue[]): void {
    for (const key of keys) if (typeof key === 'string') this.map.delete(key);
  }

  clear(): number {
    const removed = this.map.size;
    this.map.clear();
    return removed;
  }

  count(): number {
    return this.map.size;
  }

  contains(keys: readonly ExactJsonValue[]): string[] {
    const present: string[] = [];
    for (const key of keys) if (typeof key === 'string' && this.map.has(key)) present.push(key);
    return present;
  }

  keys(): string[] {
    return [...this.map.keys()];
  }

  clearSet(keys: ExactJsonObject): number {
    const removed = this.clear();
    this.set(keys, true);
    return removed;
  }

  find(path: string, result: KvFindResult, keys: readonly ExactJsonValue[]): string[] | ExactJsonObject {
    checkPath(path); // a path that does not parse is status 4 even when no value is searched
    const names = keys.length === 0 ? this.map.keys() : keys;
    const matchedKeys: string[] = [];
    const paths: string[] = [];
    const values = createMembers();
    for (const name of names) {
      if (typeof name !== 'string') continue;
      const value = this.map.get(name);
      if (value === undefined) continue;
      const selected = selectPaths(value, path);
      if (selected.length === 0) continue;
      if (result === 'paths') paths.push(...selected);
      else if (result === 'kv') values[name] = value;
      else matchedKeys.push(name);
    }
    return result === 'paths' ? paths : result === 'kv' ? values : matchedKeys;
  }

  update(key: string, path: string, value: ExactJsonValue): KvEditResult {
    const current = this.map.get(key);
    if (current === undefined) return { status: 'no-key' };
    const { root, count } = replaceSelected(this.editable(key, current), path, value);
    if (root !== current) this.map.set(key, root);
    return { status: 'done', count };
  }

  append(key: string, items: readonly ExactJsonValue[], name: string | undefined): KvEditResult {
    const found = this.map.get(key);
    if (found === undefined) return { status: 'no-key' };
    const current = this.editable(key, found);
    let target: ExactJsonValue | undefined = current;
    if (name !== undefined) target = isJsonObject(current) && Object.hasOwn(current, name) ? current[name] : undefined;
    // Upstream answers 1 without appending when `name` holds a non-array (§14 D11): we say 1000.
    if (!Array.isArray(target)) return { status: 'not-array' };
    for (const item of items) target.push(item); // not push(...items): no argument-count limit
    return { status: 'done', count: items.length };
  }

  snapshot(): Snapshot<KvEntry> {
    // Keys and values as they are now, without copying values: set/remove replace map entries and
    // leave the captured values alone; edits in place copy a value first while a snapshot is open.
    const keys: string[] = [];
    const values: ExactJsonValue[] = [];
    this.map.forEach((value, key) => {
      keys.push(key);
      values.push(value);
    });
    return this.snapshots.open(keys.length, function* () {
      for (let i = 0; i < keys.length; i++) yield [keys[i]!, values[i]!] as const;
    });
  }

  restore(entries: Iterable<KvEntry>): number {
    let count = 0;
    for (const [key, value] of entries) {
      this.map.set(key, value);
      count++;
    }
    return count;
  }

  /** The value of `key`, safe to change in place (a copy while a snapshot may hold the original). */
  private editable(key: string, value: ExactJsonValue): ExactJsonValue {
    if (!this.snapshots.any || typeof value !== 'object' || value === null) return value;
    const copy = structuredCloneJson(value);
    this.map.set(key, copy);
    return copy;
  }
}

/** A deep copy of a JSON value (bigint and JsonDouble are immutable and shared). */
function structuredCloneJson(value: ExactJsonValue): ExactJsonValue {
  if (Array.isArray(value)) return value.map(structuredCloneJson);
  if (!isJsonObject(value)) return value;
  const copy = createMembers();
  for (const key in value) copy[key] = structuredCloneJson(value[key]!);
  return copy;
}
