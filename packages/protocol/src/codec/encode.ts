import { JsonDouble, formatDouble } from './json-value.js';

/** Deepest value {@link encode} writes: twice what a request may nest, so deeper means cyclic in practice. */
const MAX_ENCODE_DEPTH = 2048;

/**
 * Writes a value as compact JSON, exactly: `bigint` as its decimal digits (`18446744073709551615`,
 * never quoted or rounded) and {@link JsonDouble} as a double literal (`60.0`). Everything else is
 * written as `JSON.stringify` writes it (UTF-8 text, `/` and non-ASCII not escaped, `toJSON`
 * honoured, `undefined` members left out, non-finite numbers as `null`).
 *
 * @throws TypeError when the value is cyclic or cannot be written (`undefined` or a function at the root).
 */
export function encode(value: unknown): string {
  // JSON.stringify is native and several times faster than any writer in JavaScript, but throws
  // on bigint. A type walk is far cheaper than writing, so only values that hold a bigint or a
  // JsonDouble pay for the JavaScript writer.
  const text = holdsExactNumber(value, 0) ? writeValue(value, '', 0) : stringifyNative(value);
  if (text === undefined) throw new TypeError(`cannot encode ${typeof value} as JSON`);
  return text;
}

function stringifyNative(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    // A bigint reached through toJSON, or a cycle: the writer handles the one, reports the other.
    return writeValue(value, '', 0);
  }
}

function holdsExactNumber(value: unknown, depth: number): boolean {
  if (typeof value !== 'object') return typeof value === 'bigint';
  if (value === null) return false;
  if (value instanceof JsonDouble) return true;
  if (depth > MAX_ENCODE_DEPTH) throw cyclic();
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (holdsExactNumber(value[i], depth + 1)) return true;
    }
    return false;
  }
  const object = value as Record<string, unknown>;
  for (const key in object) {
    if (Object.hasOwn(object, key) && holdsExactNumber(object[key], depth + 1)) return true;
  }
  return false;
}

/** JSON.stringify's algorithm (SerializeJSONProperty) plus bigint and JsonDouble. */
function writeValue(input: unknown, key: string, depth: number): string | undefined {
  let value = input;
  if (typeof value === 'object' && value !== null && !(value instanceof JsonDouble)) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (toJSON === DATE_TO_JSON && isPlainDate(value)) return writeDate(value);
    if (typeof toJSON === 'function') value = toJSON.call(value, key);
  }
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (value instanceof JsonDouble) return formatDouble(value.value);
      if (value instanceof Number || value instanceof String || value instanceof Boolean) {
        return JSON.stringify(value);
      }
      if (depth > MAX_ENCODE_DEPTH) throw cyclic();
      return Array.isArray(value) ? writeArray(value, depth) : writeObject(value as Record<string, unknown>, depth);
    default:
      return undefined; // undefined, function, symbol
  }
}

// Dates: `Date.prototype.toJSON` is a slow builtin in V8 (a generic ToPrimitive, then a lookup
// and call of toISOString): ~850 ns a call on the reference VM, against ~430 ns for
// `toISOString` itself. An express-session carries one Date (its cookie's expiry) in every write.
// What toJSON does, done directly, for Dates whose conversions are all Date.prototype's own.
const DATE_TO_JSON = Date.prototype.toJSON;
const DATE_TO_ISO_STRING = Date.prototype.toISOString;
const DATE_VALUE_OF = Date.prototype.valueOf;
const DATE_TO_PRIMITIVE = Date.prototype[Symbol.toPrimitive];

/** Whether toJSON would read the Date's time and format it with Date.prototype's own methods. */
function isPlainDate(value: object): value is Date {
  const date = value as Date;
  return (
    value instanceof Date &&
    date[Symbol.toPrimitive] === DATE_TO_PRIMITIVE &&
    date.valueOf === DATE_VALUE_OF &&
    date.toISOString === DATE_TO_ISO_STRING
  );
}

/** Date.prototype.toJSON's text: `null` for an invalid date, else the ISO string (nothing in it to escape). */
function writeDate(date: Date): string {
  const time = date.getTime();
  if (!Number.isFinite(time)) return 'null';
  return '"' + (time >= 0 && time < YEAR_10000 ? isoString(time) : date.toISOString()) + '"';
}

// `toISOString` itself costs ~430 ns on the reference VM (Node 20); the same text made from the
// time value with integer arithmetic ~125 ns. An express-session's every write holds one Date.
// Only for 1970-01-01 up to the end of year 9999, where the text is always `YYYY-MM-DDTHH:mm:ss.sssZ`
// (before 1970 and after 9999 toISOString writes it, signed years included).
const YEAR_10000 = 253_402_300_800_000;
const MS_PER_DAY = 86_400_000;
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

/** `new Date(time).toISOString()` for 0 ≤ time < YEAR_10000 (whole milliseconds, as every Date's time is). */
function isoString(time: number): string {
  const days = Math.floor(time / MS_PER_DAY);
  let ms = time - days * MS_PER_DAY;
  // The proleptic Gregorian date of a day number: Howard Hinnant's `civil_from_days`, in eras of 400 years from 0000-03-01.
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(ms / 3_600_000);
  ms -= hours * 3_600_000;
  const minutes = Math.floor(ms / 60_000);
  ms -= minutes * 60_000;
  const seconds = Math.floor(ms / 1000);
  ms -= seconds * 1000;
  return (
    TWO_DIGITS[Math.floor(year / 100)]! +
    TWO_DIGITS[year % 100]! +
    '-' +
    TWO_DIGITS[month]! +
    '-' +
    TWO_DIGITS[day]! +
    'T' +
    TWO_DIGITS[hours]! +
    ':' +
    TWO_DIGITS[minutes]! +
    ':' +
    TWO_DIGITS[seconds]! +
    '.' +
    THREE_DIGITS[ms]! +
    'Z'
  );
}

function writeArray(array: unknown[], depth: number): string {
  let out = '[';
  for (let i = 0; i < array.length; i++) {
    if (i > 0) out += ',';
    out += writeValue(array[i], String(i), depth + 1) ?? 'null';
  }
  return out + ']';
}

function writeObject(object: Record<string, unknown>, depth: number): string {
  let out = '{';
  let first = true;
  for (const key of Object.keys(object)) {
    const written = writeValue(object[key], key, depth + 1);
    if (written === undefined) continue;
    out += (first ? '' : ',') + quote(key) + ':' + written;
    first = false;
  }
  return out + '}';
}

/**
 * A string as JSON.stringify writes it. Most member names and values need no escape, and for
 * those a scan and two concatenations cost ~25 ns against JSON.stringify's ~50 (a call into the
 * runtime): the SDK's SH_GET request is written in ~280 ns instead of ~410. Anything to escape —
 * a control character, `"`, a backslash, or a surrogate (paired or not: JSON.stringify escapes the
 * lone ones) — and strings longer than QUOTE_SCAN_LIMIT go to JSON.stringify.
 */
function quote(text: string): string {
  if (text.length > QUOTE_SCAN_LIMIT) return JSON.stringify(text);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(text);
  }
  return '"' + text + '"';
}

/** Past ~40 characters the runtime's scan wins (64: 132 against 115 ns; 32: 72 against 89). */
const QUOTE_SCAN_LIMIT = 40;

function cyclic(): TypeError {
  return new TypeError(`cannot encode a cyclic value (or one nested deeper than ${MAX_ENCODE_DEPTH})`);
}
