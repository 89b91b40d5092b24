// Comparing a reply with a documented expectation. Parsed JSON is compared, never text: member
// order is free (upstream writes members sorted, others need not), and numbers are compared by
// value with 64-bit integers exact (the codec gives bigint beyond 2^53).
import { JsonDouble, encode, isJsonObject, type ExactJsonValue } from '@nemesisdb/protocol';

/** Values captured by placeholders, by name (without the `$`). */
export type Bindings = Map<string, ExactJsonValue>;

export interface MatchOptions {
  /** Objects may have members the expectation does not list. */
  readonly subset: boolean;
  /** Arrays are compared as multisets. */
  readonly unordered: boolean;
}

export interface Mismatch {
  /** Where in the reply, e.g. `SH_INFO_RSP.expiry.remaining`. */
  readonly path: string;
  readonly message: string;
}

/** The value types a placeholder may require: `"$tkn:uint"`. */
export const PLACEHOLDER_TYPES = ['any', 'uint', 'int', 'number', 'string', 'bool', 'array', 'object', 'null'] as const;
export type PlaceholderType = (typeof PLACEHOLDER_TYPES)[number];

export interface Placeholder {
  /** The variable name, or null for the wildcard `$_`. */
  readonly name: string | null;
  readonly type: PlaceholderType;
}

// `$` followed by an identifier is never a JSONPath (those continue with `.`, `[` or nothing), so
// placeholders and JSONPath strings such as "$.a" or "$" cannot be confused.
const PLACEHOLDER = /^\$([A-Za-z_][A-Za-z0-9_]*)(?::([a-z]+))?$/;

/** The placeholder a string spells, or null for an ordinary string. */
export function parsePlaceholder(text: string): Placeholder | null {
  const match = PLACEHOLDER.exec(text);
  if (!match) return null;
  const type = (match[2] ?? 'any') as PlaceholderType;
  if (!PLACEHOLDER_TYPES.includes(type)) return null;
  const name = match[1] === '_' ? null : (match[1] ?? null);
  return { name, type };
}

/**
 * Checks `actual` against `expected`. Placeholders in `expected` match any value of their type;
 * a named one that is already bound must equal its value, and an unbound one is bound to what it
 * matched. `bindings` is updated only when the whole value matches.
 */
export function matchValue(expected: ExactJsonValue, actual: ExactJsonValue, options: MatchOptions, bindings: Bindings): Mismatch | null {
  const scratch: Bindings = new Map(bindings);
  const mismatch = walk(expected, actual, options, scratch, '');
  if (mismatch) return mismatch;
  for (const [name, value] of scratch) bindings.set(name, value);
  return null;
}

function walk(expected: ExactJsonValue, actual: ExactJsonValue, options: MatchOptions, bindings: Bindings, path: string): Mismatch | null {
  if (typeof expected === 'string') {
    const placeholder = parsePlaceholder(expected);
    if (placeholder) return matchPlaceholder(placeholder, actual, bindings, path);
  }
  if (isNumeric(expected)) {
    return isNumeric(actual) && numbersEqual(expected, actual) ? null : differ(path, expected, actual);
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return differ(path, expected, actual);
    if (expected.length !== actual.length) {
      return { path: label(path), message: `expected ${expected.length} items, got ${actual.length}: ${show(actual)}` };
    }
    if (options.unordered) return walkUnordered(expected, actual, options, bindings, path);
    for (let i = 0; i < expected.length; i++) {
      const mismatch = walk(expected[i] as ExactJsonValue, actual[i] as ExactJsonValue, options, bindings, `${path}[${i}]`);
      if (mismatch) return mismatch;
    }
    return null;
  }
  if (isJsonObject(expected)) {
    if (!isJsonObject(actual)) return differ(path, expected, actual);
    // `st` first: when a reply differs in several places, its status says the most.
    const entries = Object.entries(expected).sort(([a], [b]) => (a === 'st' ? -1 : b === 'st' ? 1 : 0));
    for (const [name, value] of entries) {
      const child = path === '' ? name : `${path}.${name}`;
      if (!Object.hasOwn(actual, name)) return { path: label(child), message: `missing (expected ${show(value)})` };
      const mismatch = walk(value, actual[name] as ExactJsonValue, options, bindings, child);
      if (mismatch) return mismatch;
    }
    if (!options.subset) {
      const extra = Object.keys(actual).filter((name) => !Object.hasOwn(expected, name));
      if (extra.length > 0) {
        return {
          path: label(path),
          message: `unexpected member${extra.length > 1 ? 's' : ''} ${extra.map((n) => JSON.stringify(n)).join(', ')} in ${show(actual)}`,
        };
      }
    }
    return null;
  }
  return expected === actual ? null : differ(path, expected, actual);
}

// First fit: each expected item takes the first unused reply item it matches. Enough for key
// listings; a pathological mix of placeholders could need backtracking, which we do not write.
function walkUnordered(
  expected: ExactJsonValue[],
  actual: ExactJsonValue[],
  options: MatchOptions,
  bindings: Bindings,
  path: string,
): Mismatch | null {
  const used = new Array<boolean>(actual.length).fill(false);
  for (const item of expected) {
    let found = false;
    for (let i = 0; i < actual.length && !found; i++) {
      if (used[i]) continue;
      const attempt: Bindings = new Map(bindings);
      if (walk(item, actual[i] as ExactJsonValue, options, attempt, `${path}[${i}]`) === null) {
        used[i] = true;
        found = true;
        for (const [name, value] of attempt) bindings.set(name, value);
      }
    }
    if (!found) return { path: label(path), message: `no item matches ${show(item)} in ${show(actual)}` };
  }
  return null;
}

function matchPlaceholder(placeholder: Placeholder, actual: ExactJsonValue, bindings: Bindings, path: string): Mismatch | null {
  if (!hasType(actual, placeholder.type)) {
    return { path: label(path), message: `expected ${describeType(placeholder.type)}, got ${show(actual)}` };
  }
  if (placeholder.name === null) return null;
  const bound = bindings.get(placeholder.name);
  if (bound === undefined) {
    bindings.set(placeholder.name, actual);
    return null;
  }
  return valuesEqual(bound, actual)
    ? null
    : { path: label(path), message: `expected $${placeholder.name} = ${show(bound)}, got ${show(actual)}` };
}

/** Whether a value has a placeholder type. `uint`/`int` accept integer literals only (not `60.0`). */
export function hasType(value: ExactJsonValue, type: PlaceholderType): boolean {
  switch (type) {
    case 'any':
      return true;
    case 'uint':
      return isInteger(value) && (typeof value === 'bigint' ? value >= 0n : (value as number) >= 0);
    case 'int':
      return isInteger(value);
    case 'number':
      return isNumeric(value);
    case 'string':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isJsonObject(value);
    case 'null':
      return value === null;
  }
}

/** Deep equality without placeholders: members in any order, numbers by value. */
export function valuesEqual(a: ExactJsonValue, b: ExactJsonValue): boolean {
  if (isNumeric(a) || isNumeric(b)) return isNumeric(a) && isNumeric(b) && numbersEqual(a, b);
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => valuesEqual(item, b[i] as ExactJsonValue));
  if (isJsonObject(a)) {
    if (!isJsonObject(b)) return false;
    const names = Object.keys(a);
    return (
      names.length === Object.keys(b).length &&
      names.every((n) => Object.hasOwn(b, n) && valuesEqual(a[n] as ExactJsonValue, b[n] as ExactJsonValue))
    );
  }
  return a === b;
}

type Numeric = number | bigint | JsonDouble;

function isNumeric(value: unknown): value is Numeric {
  return typeof value === 'number' || typeof value === 'bigint' || value instanceof JsonDouble;
}

function isInteger(value: ExactJsonValue): boolean {
  return typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value));
}

// Integral values compare as bigint so that 64-bit integers are exact; `24.0` equals `24` (a
// server may write a stored double without its fraction, docs/reference/protocol.md §14 D16).
function numbersEqual(a: Numeric, b: Numeric): boolean {
  const x = toExact(a);
  const y = toExact(b);
  if (typeof x === 'bigint' && typeof y === 'bigint') return x === y;
  return typeof x === 'number' && typeof y === 'number' && x === y;
}

function toExact(value: Numeric): bigint | number {
  if (typeof value === 'bigint') return value;
  const n = value instanceof JsonDouble ? value.value : value;
  return Number.isInteger(n) ? BigInt(n) : n;
}

function differ(path: string, expected: ExactJsonValue, actual: ExactJsonValue): Mismatch {
  return { path: label(path), message: `expected ${show(expected)}, got ${show(actual)}` };
}

function label(path: string): string {
  return path === '' ? '(reply)' : path;
}

function describeType(type: PlaceholderType): string {
  return type === 'uint'
    ? 'an unsigned integer'
    : type === 'int'
      ? 'an integer'
      : type === 'any'
        ? 'a value'
        : `a${/^[aeiou]/.test(type) ? 'n' : ''} ${type}`;
}

/** A value as compact JSON, shortened for messages. */
export function show(value: ExactJsonValue): string {
  const text = encode(value);
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
