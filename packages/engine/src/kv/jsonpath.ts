// JSONPath for KV_FIND and KV_UPDATE, in the jsoncons dialect that upstream NemesisDB v0.7.4 uses.
//
// Library: json-p3 (^2.3.1, MIT, no dependencies, runs on Node 20). Why this one:
// - It parses strictly (RFC 9535 grammar, which is jsoncons' grammar for everything the protocol
//   documents): `$`, `.name`, `['name']` / `["name"]`, `[n]` (negative too), `[*]`, `..`, unions,
//   slices and filters written `?(@.a == 'x' && @.b > 2)` all parse, and a malformed path (`$[`,
//   `$.a[?(@.b ==]`) is a JSONPathSyntaxError. jsonpath-plus 10.x, the other candidate, silently
//   matches the root for `$[` and reads `["it's"]` wrong, so it could not report status 4.
// - Filters are an AST evaluated by the library itself: no `eval`, no `Function`, no property access
//   beyond own JSON members, so a filter can never reach `constructor`/`__proto__` of a value.
// - Every node carries its location (keys and indices), from which the jsoncons normalized path
//   (`$['address']['city']`, `$[1]`) is written exactly, and through which KV_UPDATE replaces nodes.
// - Its filter AST classes are public API, so the jsoncons differences are small subclasses
//   swapped into each compiled query once, not a fork and not a patch of the library's prototypes.
//
// The jsoncons dialect (how json-p3's queries are adapted) is in jsoncons-dialect.ts, its value
// rules (equality, order, truthiness) in jsoncons-values.ts, normalized paths in normalized-path.ts.

import type { ExactJsonValue } from '@nemesisdb/protocol';
import { JSONPathError as LibraryError, type JSONPathNode, type JSONPathQuery } from 'json-p3';
import { ComputedNode, compileJsoncons } from './jsoncons-dialect.js';
import { isJsonObject } from '@nemesisdb/protocol';
import { normalizedPath } from './normalized-path.js';

/** A JSONPath that does not parse, or that fails while it is evaluated (status 4 upstream). */
export class JsonPathError extends Error {
  override name = 'JsonPathError';
}

/** Throws {@link JsonPathError} when `path` does not parse (compiled once, then cached). */
export function checkPath(path: string): void {
  compile(path);
}

/** Normalized paths (jsoncons form) of the distinct nodes `path` selects in `value`. */
export function selectPaths(value: ExactJsonValue, path: string): string[] {
  const nodes = evaluate(value, path);
  const seen = new Set<string>();
  const paths: string[] = [];
  for (const node of nodes) {
    const normalized = normalizedPath(node.location);
    if (!seen.has(normalized)) {
      seen.add(normalized);
      paths.push(normalized);
    }
  }
  return paths;
}

/**
 * Replaces every node `path` selects in `root` with `replacement`; returns the new root (changed
 * when `$` matched) and how many nodes were replaced.
 */
export function replaceSelected(root: ExactJsonValue, path: string, replacement: ExactJsonValue): { root: ExactJsonValue; count: number } {
  const nodes = evaluate(root, path);
  // Distinct locations, skipping values jsoncons computes (`.length`): they are not in the document.
  const targets = new Map<string, ReadonlyArray<string | number>>();
  for (const node of nodes) {
    if (node instanceof ComputedNode) continue;
    const normalized = normalizedPath(node.location);
    if (!targets.has(normalized)) targets.set(normalized, node.location);
  }
  if (targets.size === 0) return { root, count: 0 };
  // `$` matched: the whole value is replaced, whatever else matched inside it (counted, as jsoncons
  // calls back for each of them, but not written into the discarded old value).
  if (targets.has('$')) return { root: replacement, count: targets.size };
  // Deepest first (jsoncons replaces in descending path order): a node is replaced before any
  // ancestor that also matched, so every location still resolves when its turn comes.
  const locations = [...targets.values()].sort((a, b) => b.length - a.length);
  let fresh = true; // the caller's `replacement` is placed once; further places get copies
  for (const location of locations) {
    const value = fresh ? replacement : cloneJson(replacement);
    fresh = false;
    let parent: unknown = root;
    for (let i = 0; i < location.length - 1; i++) parent = childOf(parent, location[i]!);
    setChild(parent, location[location.length - 1]!, value);
  }
  return { root, count: targets.size };
}

// ---------------------------------------------------------------------------------------------
// Evaluation and the compiled-path cache

const CACHE_LIMIT = 256;
const cache = new Map<string, JSONPathQuery>();

function evaluate(value: ExactJsonValue, path: string): JSONPathNode[] {
  const query = compile(path);
  try {
    return query.query(value as never).nodes;
  } catch (error) {
    // Library errors (recursion limit, undefined function) and a stack overflow on a hostile
    // document are evaluation errors of this path; anything else is a bug and propagates.
    if (error instanceof LibraryError || error instanceof RangeError) {
      throw new JsonPathError(`invalid JSONPath evaluation: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

function compile(path: string): JSONPathQuery {
  let query = cache.get(path);
  if (query !== undefined) {
    cache.delete(path); // refresh: the map's order is least recently used first
    cache.set(path, query);
    return query;
  }
  try {
    query = compileJsoncons(path);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new JsonPathError(`invalid JSONPath: ${message}`, { cause: error });
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(path, query);
  return query;
}

// ---------------------------------------------------------------------------------------------
// Replacement

function childOf(parent: unknown, key: string | number): unknown {
  return (parent as Record<string | number, unknown>)[key];
}

function setChild(parent: unknown, key: string | number, value: ExactJsonValue): void {
  if (Array.isArray(parent)) {
    parent[key as number] = value;
  } else {
    // A data property, never `obj[key] = ...`: a member named "__proto__" must stay a member.
    Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
  }
}

/** A deep copy that keeps bigint and JsonDouble (immutable, so shared) and own `__proto__` members. */
function cloneJson(value: ExactJsonValue): ExactJsonValue {
  if (Array.isArray(value)) return value.map(cloneJson);
  if (!isJsonObject(value)) return value;
  const copy: Record<string, ExactJsonValue> = {};
  for (const [key, member] of Object.entries(value)) {
    Object.defineProperty(copy, key, { value: cloneJson(member), enumerable: true, writable: true, configurable: true });
  }
  return copy;
}
