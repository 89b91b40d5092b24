// Values as jsoncons' JSONPath filters see them: plain objects, lossless numbers (bigint and
// JsonDouble from our codec), jsoncons comparisons and truthiness.

import { JsonDouble, isJsonObject } from '@nemesisdb/protocol';

/** The number of a number, bigint or JsonDouble; else undefined. */
export function numberOf(value: unknown): number | bigint | undefined {
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  if (value instanceof JsonDouble) return value.value;
  return undefined;
}

/** jsoncons `==`: numbers by value (1 == 1.0, bigint exact), arrays in order, objects as sets of members. */
export function jsonEquals(a: unknown, b: unknown): boolean {
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
export function order(a: unknown, b: unknown): number | null {
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
export function isTrue(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isJsonObject(value)) {
    for (const key in value) if (Object.hasOwn(value, key)) return true;
    return false;
  }
  return true;
}

export function codePointCount(text: string): number {
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
