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
// - Its filter AST classes are public API, so the jsoncons differences below are small subclasses
//   swapped into each compiled query once, not a fork and not a patch of the library's prototypes.
//
// Adaptations to jsoncons (each one is a class below, applied by `adaptQuery`):
// - `.length` on a non-empty array is its size, on a string its code point count (jsoncons'
//   identifier_selector does this; RFC 9535 selects nothing). `length(x)` counts code points too.
//   A quoted integer name on an array (`$['1']`) is an index, as in jsoncons.
// - Filter operators follow jsoncons: a singular query that selects nothing is `null` (so
//   `@.x == null` matches a missing x), `<` `<=` `>` `>=` compare two numbers or two strings only,
//   `==` compares numbers by value across int/double, and truthiness is jsoncons' `is_true` (false,
//   null, "", [] and {} are false) for `?(@.flag)`, `!`, `&&` and `||`.
// - Numbers from our lossless codec: `bigint` (beyond 2^53) and `JsonDouble` (integral doubles,
//   recognised structurally: any non-plain object whose valueOf() is a number) compare exactly by
//   value; a JsonDouble is a scalar, never an object with a `value` member to descend into.

import type { ExactJsonValue } from '@nemesisdb/protocol';
import {
  FunctionExpressionType,
  JSONPathEnvironment,
  JSONPathError as LibraryError,
  JSONPathNode,
  JSONPathNodeList,
  Nothing,
  jsonpath,
  type FilterFunction,
  type JSONPathQuery,
} from 'json-p3';

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
export function replaceSelected(
  root: ExactJsonValue,
  path: string,
  replacement: ExactJsonValue,
): { root: ExactJsonValue; count: number } {
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

/**
 * How deep `..` may descend (json-p3 defaults to 50). jsoncons has no limit; values nest up to the
 * codec's 1024 levels (MAX_NESTING_DEPTH in @nemesisdb/protocol), deeper only when KV_UPDATE puts
 * one nested value inside another: this allows twice that. Past it, or past the JS stack, the query
 * fails with JsonPathError.
 */
const MAX_DEPTH = 2 * 1024 + 2;
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
    query = adaptQuery(ENVIRONMENT.compile(path));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new JsonPathError(`invalid JSONPath: ${message}`, { cause: error });
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(path, query);
  return query;
}

// ---------------------------------------------------------------------------------------------
// Normalized paths and replacement

/** jsoncons' `to_jsonpath`: `$`, then `['name']` (escaping \\ ' \b \f \n \r \t) or `[index]`. */
function normalizedPath(location: ReadonlyArray<string | number>): string {
  let out = '$';
  for (const element of location) {
    out += typeof element === 'number' ? `[${element}]` : `['${escapeName(element)}']`;
  }
  return out;
}

const NAME_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function escapeName(name: string): string {
  return /[\\'\b\f\n\r\t]/.test(name) ? name.replace(/[\\'\b\f\n\r\t]/g, (c) => NAME_ESCAPES[c]!) : name;
}

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

// ---------------------------------------------------------------------------------------------
// Values: plain objects, lossless numbers, jsoncons comparisons and truthiness

/** A JSON object as decoded: a plain object. A class instance (JsonDouble) is a scalar. */
function isJsonObject(value: unknown): value is Record<string, ExactJsonValue> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The number of a number, bigint or JsonDouble-like object (valueOf() is a number); else undefined. */
function numberOf(value: unknown): number | bigint | undefined {
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !isJsonObject(value)) {
    const primitive: unknown = value.valueOf();
    if (typeof primitive === 'number' || typeof primitive === 'bigint') return primitive;
  }
  return undefined;
}

/** jsoncons `==`: numbers by value (1 == 1.0, bigint exact), arrays in order, objects as sets of members. */
function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const x = numberOf(a);
  const y = numberOf(b);
  // number/bigint `==` is exact in JavaScript (no rounding of the bigint).
  if (x !== undefined || y !== undefined) return x !== undefined && y !== undefined && x == y;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEquals(a[i], b[i])) return false;
    return true;
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    for (const key of keys) if (!Object.hasOwn(b, key) || !jsonEquals(a[key], b[key])) return false;
    return true;
  }
  return false;
}

/** Sign of a - b for two numbers or two strings (strings by code point, as jsoncons' UTF-8); else null. */
function order(a: unknown, b: unknown): number | null {
  const x = numberOf(a);
  const y = numberOf(b);
  if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b);
  return null;
}

function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = a.charCodeAt(i);
    const d = b.charCodeAt(i);
    if (c !== d) return codePointRank(c) - codePointRank(d);
  }
  return a.length - b.length;
}

/** Surrogates (astral code points) rank above U+E000–U+FFFF, as the code points they encode do. */
function codePointRank(unit: number): number {
  return unit >= 0xd800 ? (unit < 0xe000 ? unit + 0x2000 : unit - 0x800) : unit;
}

/** jsoncons `is_false`: false, null, "", [] and {} (numbers, even 0, are true). */
function isTrue(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isJsonObject(value)) {
    for (const key in value) if (Object.hasOwn(value, key)) return true;
    return false;
  }
  return true;
}

function codePointCount(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        count--;
        i++;
      }
    }
  }
  return count;
}

// ---------------------------------------------------------------------------------------------
// The jsoncons adaptation of json-p3's compiled queries

const { FilterQuery, FunctionExtension, InfixExpression, LogicalExpression, PrefixExpression } = jsonpath.expressions;
const { FilterSelector, NameSelector } = jsonpath.selectors;
type FilterExpression = jsonpath.expressions.FilterExpression;
type FilterContext = jsonpath.FilterContext;
type Token = jsonpath.Token;

/** A value jsoncons computes rather than finds (`.length`): selectable, never replaceable. */
class ComputedNode extends JSONPathNode {}

/** Name selection as jsoncons' identifier_selector does it. */
class JsonconsNameSelector extends NameSelector {
  override resolve(node: JSONPathNode): JSONPathNode[] {
    const value: unknown = node.value;
    const name = this.name;
    if (isJsonObject(value)) {
      return Object.hasOwn(value, name) ? [new JSONPathNode(value[name] as never, node.location.concat(name), node.root)] : [];
    }
    if (Array.isArray(value)) {
      if (/^-?\d+$/.test(name)) {
        const n = Number(name);
        const index = n >= 0 ? n : value.length + n;
        return index >= 0 && index < value.length ? [new JSONPathNode(value[index] as never, node.location.concat(index), node.root)] : [];
      }
      if (name === 'length' && value.length > 0) {
        return [new ComputedNode(value.length, node.location.concat(name), node.root)];
      }
      return [];
    }
    if (typeof value === 'string' && name === 'length') {
      return [new ComputedNode(codePointCount(value), node.location.concat(name), node.root)];
    }
    return [];
  }

  override *lazyResolve(node: JSONPathNode): Generator<JSONPathNode> {
    yield* this.resolve(node);
  }
}

/** An operand as jsoncons sees it: a singular query is its value or null, any other query an array. */
function operand(expression: FilterExpression, context: FilterContext): unknown {
  const result = expression.evaluate(context);
  if (result instanceof JSONPathNodeList) {
    if (expression instanceof FilterQuery && !expression.path.singularQuery()) return result.values();
    return result.nodes.length === 0 ? null : result.nodes[0]!.value;
  }
  return result === Nothing ? null : result;
}

class JsonconsInfix extends InfixExpression {
  override evaluate(context: FilterContext): boolean {
    // jsoncons' `&&`/`||` return an operand, but the grammar only lets a logical result be tested
    // for truth, so its truth is all that is kept. Comparisons of other types (jsoncons null) are false.
    const left = operand(this.left, context);
    if (this.operator === '&&') return isTrue(left) && isTrue(operand(this.right, context));
    if (this.operator === '||') return isTrue(left) || isTrue(operand(this.right, context));
    const right = operand(this.right, context);
    switch (this.operator) {
      case '==':
        return jsonEquals(left, right);
      case '!=':
        return !jsonEquals(left, right);
    }
    const sign = order(left, right);
    if (sign === null) return false;
    switch (this.operator) {
      case '<':
        return sign < 0;
      case '<=':
        return sign <= 0;
      case '>':
        return sign > 0;
      case '>=':
        return sign >= 0;
    }
    throw new LibraryError(`unknown operator '${this.operator}'`, this.token);
  }
}

class JsonconsNot extends PrefixExpression {
  override evaluate(context: FilterContext): boolean {
    return !isTrue(operand(this.right, context));
  }
}

/** The whole filter: selects the current node when its value is true in jsoncons' sense. */
class JsonconsFilter extends LogicalExpression {
  override evaluate(context: FilterContext): boolean {
    return isTrue(operand(this.expression, context));
  }
}

/** `length(x)` as jsoncons: array size, object member count, string code points; else null. */
const LENGTH_FUNCTION: FilterFunction = {
  argTypes: [FunctionExpressionType.ValueType],
  returnType: FunctionExpressionType.ValueType,
  call(value: unknown): unknown {
    if (Array.isArray(value)) return value.length;
    if (typeof value === 'string') return codePointCount(value);
    if (isJsonObject(value)) return Object.keys(value).length;
    return Nothing;
  },
};

class JsonconsEnvironment extends JSONPathEnvironment {
  constructor() {
    super({ strict: true, maxRecursionDepth: MAX_DEPTH });
    this.functionRegister.set('length', LENGTH_FUNCTION);
  }

  /** Members of a JSON object for `*`, `..` and filters; a JsonDouble has none. */
  override entries(obj: { [key: string]: unknown }): Array<[string, never]> {
    return isJsonObject(obj) ? (Object.entries(obj) as Array<[string, never]>) : [];
  }
}

const ENVIRONMENT = new JsonconsEnvironment();

/** Swaps the jsoncons classes into a freshly compiled query (it is then cached, never re-adapted). */
function adaptQuery(query: JSONPathQuery): JSONPathQuery {
  for (const segment of query.segments) {
    const selectors = segment.selectors;
    for (let i = 0; i < selectors.length; i++) {
      const selector = selectors[i]!;
      if (selector instanceof NameSelector) {
        selectors[i] = new JsonconsNameSelector(selector.environment, selector.token, selector.name);
      } else if (selector instanceof FilterSelector) {
        selectors[i] = new FilterSelector(selector.environment, selector.token, adaptExpression(selector.expression) as never);
      }
    }
  }
  return query;
}

function adaptExpression(expression: FilterExpression): FilterExpression {
  const token: Token = expression.token;
  if (expression instanceof LogicalExpression) return new JsonconsFilter(token, adaptExpression(expression.expression));
  if (expression instanceof InfixExpression) {
    return new JsonconsInfix(token, adaptExpression(expression.left), expression.operator, adaptExpression(expression.right));
  }
  if (expression instanceof PrefixExpression && expression.operator === '!') {
    return new JsonconsNot(token, expression.operator, adaptExpression(expression.right));
  }
  if (expression instanceof FunctionExtension) return new FunctionExtension(token, expression.name, expression.args.map(adaptExpression));
  if (expression instanceof FilterQuery) adaptQuery(expression.path);
  return expression;
}
