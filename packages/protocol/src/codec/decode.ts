import { Ch } from './chars.js';
import { JsonDecodeError, MAX_NESTING_DEPTH } from './errors.js';
import { JsonDouble, type ExactJsonValue, type JsonValue } from './json-value.js';
import { parseJson } from './parse.js';

/** Options of {@link decode}. */
export interface DecodeOptions {
  /**
   * Keep integral doubles (`60.0`, `1e3`) as {@link JsonDouble} instead of plain numbers, so a
   * caller can tell them from integer literals. Servers need this; clients usually do not.
   */
  exactNumbers?: boolean;
  /**
   * For a server reading requests (`{"COMMAND":{…,"keys":{…}}}`): the objects that are members of
   * the command's body — the `keys` of SH_SET, KV_SET, … — are made without a prototype (still
   * plain to `isJsonObject`, `JSON.stringify` and `for…in`). Their member names are user data,
   * unbounded, and V8 gives every new set of names an object shape of its own: `JSON.parse` of a
   * KV_SET takes ~1,070 ns when it meets 10,000 different key names against ~510 ns for a few,
   * and the reader with prototype-less maps ~640 ns either way. Values inside them keep a
   * prototype. Requests up to 512 bytes, and those up to 4 KiB with three `{` or more (such a
   * member, or deeper), are read by the reader; others as usual.
   */
  requestMaps?: boolean;
  /**
   * The text is a reply from a server, made by a JSON writer: no comments and no duplicate member
   * names (neither NemesisDB nor upstream writes them). Then a text without an integer literal
   * that `JSON.parse` could round (16 digits in a row) is read by `JSON.parse` alone, with no
   * scan: an SH_GET reply holding an express-session (a `/` in its cookie's path, colons in its
   * date) 1,210 → 720 ns. Such a text nested deeper than 1024 is read, not refused. Not for
   * requests, which may hold comments and duplicates; ignored with `exactNumbers`.
   */
  fromServer?: boolean;
}

/**
 * Reads JSON text as NemesisDB does (docs/reference/protocol.md §2.1), without losing integer precision.
 *
 * - Integer literals within ±(2^53 − 1) → `number`; every other integer literal → exact `bigint`.
 * - Comments before and inside the root value are ignored; duplicate member names: first wins.
 * - Nesting deeper than 1024, and anything else that is not JSON, throws {@link JsonDecodeError}.
 *
 * @throws JsonDecodeError
 */
export function decode(text: string): JsonValue;
export function decode(text: string, options: DecodeOptions & { exactNumbers: true }): ExactJsonValue;
export function decode(text: string, options?: DecodeOptions): ExactJsonValue;
export function decode(text: string, options?: DecodeOptions): ExactJsonValue {
  const exactNumbers = options?.exactNumbers === true;
  if (options?.fromServer === true && !exactNumbers && !LONG_DIGITS_ANYWHERE.test(text)) {
    try {
      return JSON.parse(text) as ExactJsonValue;
    } catch {
      // Not plain JSON after all (a comment?): the usual path reads it, or says why it cannot.
    }
  }
  if (options?.requestMaps === true && text.length <= REQUEST_MAPS_MAX_TEXT && (text.length <= SMALL_TEXT || holdsThreeBraces(text))) {
    // A small request is read faster by the reader than by a regex pass, JSON.parse and a walk,
    // whatever it holds: KV_GET of one key ~450 → ~245 ns, SH_GET ~690 → ~490 ns, SH_NEW ~190 →
    // ~100 ns. (Above 512 bytes, JSON.parse is faster on long strings.)
    return parseJson(text, exactNumbers, BODY_MEMBER_DEPTH);
  }
  if (exactNumbers ? !NEEDS_SCAN_EXACT.test(text) && !holdsLongFraction(text) : !NEEDS_SCAN.test(text)) {
    const value = decodeUnscanned(text);
    if (value !== RETRY) return value;
  }
  // Small texts are read faster by the reader alone than by scan + rewrite + JSON.parse + walk:
  // for a 64-byte SH_GET with a 64-bit token, 660 ns against 1,390 ns (the crossover is near
  // 600 bytes on the reference machine). Every session request is such a text.
  if (text.length <= SMALL_TEXT || denseInLongIntegers(text)) return parseJson(text, exactNumbers);
  return decodeScanned(text, exactNumbers);
}

/**
 * Whether a large text holds long integer literals densely (judged from its start), as a dataset
 * of sessions does: one 64-bit token per ~180 bytes. Rewriting that many literals costs more than
 * the reader: 1.0 s against 0.8 s for 55 MB of sessions on the reference machine.
 */
function denseInLongIntegers(text: string): boolean {
  const sample = text.length > DENSITY_SAMPLE ? text.slice(0, DENSITY_SAMPLE) : text;
  const found = sample.match(LONG_DIGITS);
  return found !== null && found.length * 1024 >= sample.length;
}

/** Depth of a member of a command's body: root 1, body 2, `keys` 3. */
const BODY_MEMBER_DEPTH = 3;
/** Longest text `requestMaps` reads with the reader (above, the scan and JSON.parse read the values faster). */
const REQUEST_MAPS_MAX_TEXT = 4096;

/** Whether a text has three `{` or more: an object as deep as a command body's member, or deeper. */
function holdsThreeBraces(text: string): boolean {
  const first = text.indexOf('{');
  if (first < 0) return false;
  const second = text.indexOf('{', first + 1);
  return second >= 0 && text.indexOf('{', second + 1) >= 0;
}

/** An integer literal JSON.parse may round has 16 digits or more (2^53 has 16); so may a fraction. */
const LONG_DIGITS_ANYWHERE = /\d{16}/;

const DENSITY_SAMPLE = 16 * 1024;
const LONG_DIGITS = /\d{16}/g;

/** Longest text read by the reader directly when JSON.parse alone cannot read it exactly. */
const SMALL_TEXT = 512;

/** Returned by the unscanned path when only the full scan can decide. */
const RETRY = Symbol('retry');

/**
 * What only a scan can handle, looked for with one native regex pass: a '/' (a comment may start
 * there), 16 digits in a row (an integer literal JSON.parse may round) and, with exactNumbers, the
 * shapes of integral doubles (`60.0`, `1e3`). Matches inside strings only cost a scan; no match
 * proves the text has none of them.
 */
const NEEDS_SCAN = /\/|\d{16}/;
const NEEDS_SCAN_EXACT = /\/|\d(?:\d{15}|\.0*(?!\d)|[eE])/;

/**
 * With exactNumbers, the other shape of an integral double: a fraction with more digits than a
 * double holds (16 or more in all, none 16 in a row), which can round to an integer, as
 * `45969214787972.9960938` does (to 45969214787973): JSON.parse would give a plain integer where
 * the reader gives a {@link JsonDouble}. With 15 digits or fewer, a fraction that is not zero
 * stays one. Only texts with a decimal point pay for the regex.
 */
function holdsLongFraction(text: string): boolean {
  if (!text.includes('.')) return false;
  for (const [literal] of text.matchAll(FRACTION)) if (literal.length > 16) return true; // 16 digits and the point
  return false;
}
const FRACTION = /\d+\.\d+/g;

/**
 * JSON.parse alone, for texts without comments and number literals to rescue. Two things are left
 * to check, without a scan: nesting depth (by the walk) and duplicate members. Every ':' in the
 * text is a member separator or sits inside a string, so when JSON.parse kept as many members as
 * the text has colons, there were no duplicates (and no colon in a string); otherwise the scan
 * counts the separators exactly.
 */
function decodeUnscanned(text: string): ExactJsonValue | typeof RETRY {
  const value = parseNatively(text, NATIVE, false);
  if (typeof value !== 'object' || value === null) return value;
  const colons = countColons(text);
  if (colons < 2 && text.length <= 2 * MAX_NESTING_DEPTH) return value; // no duplicates, not too deep
  return reviveTree(value, false, 1) === colons ? value : RETRY;
}

/**
 * The full path: a precise scan of the whole text, then JSON.parse, or the reader for comments.
 * Exported for the tests, which check it against the reader on texts of every size.
 */
export function decodeScanned(text: string, exactNumbers: boolean): ExactJsonValue {
  const plan = scan(text, exactNumbers);
  if (plan === SLOW_PATH) return parseJson(text, exactNumbers);
  const value = parseNatively(text, plan, exactNumbers);
  if (typeof value === 'string' && plan !== NATIVE) return fromMarker(value); // a lone number at the root
  if (scanState.members > 1 || plan !== NATIVE) {
    // JSON.parse keeps the last of duplicate members where upstream keeps the first. Counting the
    // members it kept against the member separators the scan saw detects duplicates without
    // tracking names during the scan; the walk also turns the rewritten numbers back.
    const kept = reviveTree(value, plan !== NATIVE, 1);
    if (kept !== scanState.members) return parseJson(text, exactNumbers);
  }
  return value;
}

function parseNatively(text: string, plan: ScanPlan, exactNumbers: boolean): ExactJsonValue {
  try {
    return JSON.parse(plan === NATIVE ? text : rewrite(text, plan as number[])) as ExactJsonValue;
  } catch (error) {
    // JSON.parse rejects exactly what our reader rejects once comments, deep nesting and the
    // rewritten numbers are out of the way (see scan); the reader gives the precise message.
    return rethrowFromReader(text, exactNumbers, error);
  }
}

function countColons(text: string): number {
  // One native search per colon: several times faster than a charCodeAt loop over the text.
  let count = 0;
  for (let at = text.indexOf(':'); at !== -1; at = text.indexOf(':', at + 1)) count++;
  return count;
}

function rethrowFromReader(text: string, exactNumbers: boolean, cause: unknown): never {
  parseJson(text, exactNumbers);
  // Unreachable unless the reader accepts what JSON.parse rejected: surface that as a bug.
  throw new JsonDecodeError('syntax', `rejected by JSON.parse but not by the reader: ${String(cause)}`);
}

// ---------------------------------------------------------------------------------------------
// The scan: one pass over the text outside string literals, deciding how to decode it.
//
// JSON.parse is several times faster than any reader written in JavaScript, but on Node 20 it
// cannot see number literals (no `context.source` in revivers) and it differs from upstream on
// comments, duplicates and nesting depth. The scan finds out which of those the text has:
// - a comment, or a `\u0000` escape (which could forge our number markers) → the full reader;
// - nesting deeper than 1024 → error at once;
// - integer literals that are not safe integers (and, with exactNumbers, integral doubles) →
//   each such literal is rewritten into a marked string (`"\u0000B123…"`), JSON.parse reads the
//   result, and a walk turns the markers back into bigint / JsonDouble.
// Why rewriting is exact: a number token and a string token are interchangeable in every value
// position, and the scan rewrites only complete, well-formed number tokens that stand in a value
// position of a well-formed prefix; any other text is left untouched for JSON.parse to judge.
// ---------------------------------------------------------------------------------------------

/** The scan's verdicts; any other result is the list of number literals to rewrite. */
const NATIVE = 0;
const SLOW_PATH = 1;
type ScanPlan = typeof NATIVE | typeof SLOW_PATH | number[];

/** Marker kinds, the character after the `\u0000` that opens a rewritten literal. */
const BIG_INTEGER = 0x42; // 'B'
const INTEGRAL_DOUBLE = 0x44; // 'D'

/**
 * Scratch state of the last scan. Module-level so a scan allocates nothing in the common case;
 * decoding is synchronous, so no two scans interleave.
 */
const scanState = {
  members: 0,
  /** `isArray[d]` is 1 when the container opened at depth `d` is an array. */
  isArray: new Uint8Array(MAX_NESTING_DEPTH + 2),
};

function scan(text: string, exactNumbers: boolean): ScanPlan {
  const isArray = scanState.isArray;
  const n = text.length;
  let members = 0;
  let depth = 0;
  // The last significant character before the current token; 0 at the start of the text.
  let previous = 0;
  let rewrites: number[] | null = null;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === Ch.Quote) {
      // Jump to the closing quote: a quote preceded by an odd number of backslashes is escaped.
      let end = text.indexOf('"', i + 1);
      while (end > 0 && text.charCodeAt(end - 1) === Ch.Backslash) {
        let slashes = 1;
        while (text.charCodeAt(end - 1 - slashes) === Ch.Backslash) slashes++;
        if ((slashes & 1) === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (end < 0) return unparsable(); // unterminated string
      previous = Ch.Quote;
      i = end + 1;
    } else if (c === Ch.Colon) {
      members++;
      previous = c;
      i++;
    } else if (c === Ch.Comma) {
      previous = c;
      i++;
    } else if (c === Ch.OpenBrace || c === Ch.OpenBracket) {
      if (++depth > MAX_NESTING_DEPTH) {
        throw new JsonDecodeError('depth', `nesting deeper than ${MAX_NESTING_DEPTH}`, i);
      }
      isArray[depth] = c === Ch.OpenBracket ? 1 : 0;
      previous = c;
      i++;
    } else if (c === Ch.CloseBrace || c === Ch.CloseBracket) {
      if (depth > 0) depth--;
      previous = c;
      i++;
    } else if (c === Ch.Space || c === Ch.LineFeed || c === Ch.CarriageReturn || c === Ch.Tab) {
      i++;
    } else if (c === Ch.Minus || (c >= Ch.Zero && c <= Ch.Nine)) {
      const start = i;
      let integer = true;
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d >= Ch.Zero && d <= Ch.Nine) continue;
        if (d === Ch.Dot || d === Ch.LowerE || d === Ch.UpperE) integer = false;
        else if (d !== Ch.Plus && d !== Ch.Minus) break;
      }
      // Only 16 digits or more can leave the safe range; shorter literals need no look.
      const kind = integer
        ? i - start >= 16 && !Number.isSafeInteger(Number(text.slice(start, i)))
          ? BIG_INTEGER
          : 0
        : exactNumbers && Number.isInteger(Number(text.slice(start, i)))
          ? INTEGRAL_DOUBLE
          : 0;
      if (kind !== 0) {
        const inValuePosition =
          previous === Ch.Colon ||
          ((previous === Ch.Comma || previous === Ch.OpenBracket) && isArray[depth] === 1) ||
          (previous === 0 && depth === 0);
        if (inValuePosition && isNumberLiteral(text, start, i)) {
          (rewrites ??= []).push(start, i, kind);
        }
      }
      previous = Ch.Zero;
    } else if (c >= Ch.LowerA && c <= Ch.LowerZ) {
      // true / false / null (anything else is garbage JSON.parse rejects)
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d < Ch.LowerA || d > Ch.LowerZ) break;
      }
      previous = Ch.LowerA;
    } else if (c === Ch.Slash) {
      return SLOW_PATH;
    } else {
      return unparsable(); // no JSON token starts with this character
    }
  }
  scanState.members = members;
  if (rewrites === null) return NATIVE;
  // A `\u0000` escape in the input could spell one of our markers: let the reader handle it.
  return text.includes('\\u0000') ? SLOW_PATH : rewrites;
}

/**
 * For text the scan knows JSON.parse will reject. Should JSON.parse accept it after all, the
 * impossible member count makes `decode` defer to the reader instead of trusting the result.
 */
function unparsable(): ScanPlan {
  scanState.members = Number.MAX_SAFE_INTEGER;
  return NATIVE;
}

/** Whether text[start, end) is exactly one JSON number: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)? */
function isNumberLiteral(text: string, start: number, end: number): boolean {
  let i = start;
  if (text.charCodeAt(i) === Ch.Minus) i++;
  const first = text.charCodeAt(i);
  if (first === Ch.Zero) i++;
  else if (first > Ch.Zero && first <= Ch.Nine) i = skipDigits(text, i + 1, end);
  else return false;
  if (i < end && text.charCodeAt(i) === Ch.Dot) {
    const after = skipDigits(text, i + 1, end);
    if (after === i + 1) return false;
    i = after;
  }
  if (i < end) {
    const e = text.charCodeAt(i);
    if (e !== Ch.LowerE && e !== Ch.UpperE) return false;
    i++;
    const sign = text.charCodeAt(i);
    if (i < end && (sign === Ch.Plus || sign === Ch.Minus)) i++;
    const after = skipDigits(text, i, end);
    if (after === i) return false;
    i = after;
  }
  return i === end;
}

function skipDigits(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c < Ch.Zero || c > Ch.Nine) break;
    i++;
  }
  return i;
}

/** Replaces each listed number literal with a marked string JSON.parse will read verbatim. */
function rewrite(text: string, rewrites: number[]): string {
  let out = '';
  let last = 0;
  for (let r = 0; r < rewrites.length; r += 3) {
    const start = rewrites[r]!;
    const end = rewrites[r + 1]!;
    const marker = rewrites[r + 2] === BIG_INTEGER ? '"\\u0000B' : '"\\u0000D';
    out += text.slice(last, start) + marker + text.slice(start, end) + '"';
    last = end;
  }
  return out + text.slice(last);
}

/**
 * Walks what JSON.parse returned: counts the object members it kept and, when `markers` is true,
 * turns marked strings back into bigint / JsonDouble in place. Returns the member count.
 */
function reviveTree(value: ExactJsonValue, markers: boolean, depth: number): number {
  if (value === null || typeof value !== 'object') return 0;
  if (depth > MAX_NESTING_DEPTH) throw new JsonDecodeError('depth', `nesting deeper than ${MAX_NESTING_DEPTH}`);
  let members = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) members += reviveSlot(value, i, markers, depth);
    return members;
  }
  const object = value as Record<string, ExactJsonValue>;
  for (const key in object) members += 1 + reviveSlot(object, key, markers, depth);
  return members;
}

/** {@link reviveTree} for one array item or object member: walks into it, or turns its marker back. */
function reviveSlot<K extends number | string>(container: Record<K, ExactJsonValue>, key: K, markers: boolean, depth: number): number {
  const item = container[key];
  if (typeof item === 'object') return item === null ? 0 : reviveTree(item, markers, depth + 1);
  if (markers && typeof item === 'string' && item.charCodeAt(0) === 0) container[key] = fromMarker(item);
  return 0;
}

function fromMarker(marked: string): bigint | JsonDouble {
  const literal = marked.slice(2);
  return marked.charCodeAt(1) === BIG_INTEGER ? BigInt(literal) : new JsonDouble(Number(literal));
}
