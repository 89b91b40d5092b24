import type { ExactJsonObject, ExactJsonValue, KvFindResult } from '@nemesisdb/protocol';
import { replaceSelected, selectPaths } from '../../kv/jsonpath.js';
import { createMembers, isJsonObject } from '../../objects.js';
import type { KvEditResult, KvStore } from '../store.js';

/** The global KV map (PROTOCOL.md §10): independent keys that never expire. */
export class MemoryKv implements KvStore {
  private readonly map = new Map<string, ExactJsonValue>();

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
    const { root, count } = replaceSelected(current, path, value);
    if (root !== current) this.map.set(key, root);
    return { status: 'done', count };
  }

  append(key: string, items: readonly ExactJsonValue[], name: string | undefined): KvEditResult {
    const current = this.map.get(key);
    if (current === undefined) return { status: 'no-key' };
    let target: ExactJsonValue | undefined = current;
    if (name !== undefined) target = isJsonObject(current) && Object.hasOwn(current, name) ? current[name] : undefined;
    // Upstream answers 1 without appending when `name` holds a non-array (§14 D11): we say 1000.
    if (!Array.isArray(target)) return { status: 'not-array' };
    for (const item of items) target.push(item); // not push(...items): no argument-count limit
    return { status: 'done', count: items.length };
  }

  snapshot(): ExactJsonObject {
    const keys = createMembers();
    for (const [key, value] of this.map) keys[key] = value;
    return keys;
  }

  restore(keys: ExactJsonObject): number {
    let count = 0;
    for (const key in keys) {
      this.map.set(key, keys[key]!);
      count++;
    }
    return count;
  }
}
