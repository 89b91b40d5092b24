import { Ch } from './chars.js';
import { JsonDecodeError, MAX_NESTING_DEPTH } from './errors.js';
import { JsonDouble, type ExactJsonValue } from './json-value.js';

/**
 * The complete JSON reader: the dialect NemesisDB v0.7.4 accepts, read into exact values.
 *
 * It is the reference the fast path in `decode.ts` is tested against, and the path taken for the
 * inputs the fast path cannot hand to `JSON.parse`: comments, duplicate member names and `\u0000`
 * escapes. Differences from `JSON.parse`, all deliberate and matching upstream (docs/reference/protocol.md §2.1):
 * - `/* … *\/` and `// …` comments are whitespace before and inside the root value (not after it);
 * - duplicate member names: the first occurrence wins;
 * - nesting deeper than {@link MAX_NESTING_DEPTH} is an error;
 * - integer literals outside the safe range become `bigint` (exact);
 * - with `exactNumbers`, integral doubles (`60.0`, `1e3`) become {@link JsonDouble}.
 */
export function parseJson(text: string, exactNumbers: boolean, prototypelessDepth = 0): ExactJsonValue {
  return new Parser(text, exactNumbers, prototypelessDepth).parseDocument();
}

const ESCAPES: Record<number, string> = {
  [Ch.Quote]: '"',
  [Ch.Backslash]: '\\',
  [Ch.Slash]: '/',
  0x62: '\b',
  0x66: '\f',
  0x6e: '\n',
  0x72: '\r',
  0x74: '\t',
};

/**
 * V8 makes a slice of this many characters or more a view into the text it came from (a
 * SlicedString) instead of a copy. A value kept from a request, a reply or a data file would keep
 * that whole text alive, where `JSON.parse` copies: one 19-character string kept from an 8 MB
 * text held all 8 MB; a session holding an express-session, written as request text, took 961
 * bytes of heap instead of 744. So string values this long are copied (see {@link copyOf}). Member names are not: a name
 * becomes a property key, which V8 stores as a string of its own.
 */
const SHARED_SLICE_LENGTH = 13;

/** Written by {@link ownString} so that the compiler never drops the read that flattens a string as unused. */
const flattening = { lastCode: 0 };

/**
 * `joined`, a concatenation (a ConsString), made a string of its own: reading a character makes V8
 * flatten it into one new string and drop its parts, and with them the text they were sliced from.
 */
function ownString(joined: string): string {
  flattening.lastCode = joined.charCodeAt(0);
  return joined;
}

/**
 * `text`'s characters from `start` to `end` as a string that holds them itself rather than a view
 * into `text` (see {@link SHARED_SLICE_LENGTH}): the two halves joined and flattened, 40–65 ns for
 * 13 to 1,000 characters on the reference machine (a `Buffer` round trip: 125–460 ns; `JSON.parse`
 * of the literal: 60–450 ns).
 */
function copyOf(text: string, start: number, end: number): string {
  if (end - start < SHARED_SLICE_LENGTH) return text.slice(start, end); // V8 copies a slice this short
  const middle = (start + end) >>> 1;
  return ownString(text.slice(start, middle) + text.slice(middle, end));
}

/** Slots of the member-name cache (a power of two). */
const NAME_CACHE_SIZE = 512;
/**
 * The longest name the cache keeps. V8 copies a slice shorter than 13 characters, but makes a
 * longer one a view of the text it came from: kept here, it would keep a whole request alive.
 */
const NAME_CACHE_LONGEST = 12;
/** Recently read member names without escapes, by a hash of their characters (see `parseMemberName`). */
const NAME_CACHE: (string | undefined)[] = new Array<string | undefined>(NAME_CACHE_SIZE).fill(undefined);

/**
 * Whether whitespace or a comment may start with this character: compact JSON has neither, so the
 * reader checks this inline before it calls `skipSpace` (a call per token otherwise).
 */
function mayBeSpace(c: number): boolean {
  return c <= Ch.Space || c === Ch.Slash;
}

/** Whether `text` holds `name`'s characters at `start`. */
function sameChars(text: string, start: number, name: string): boolean {
  for (let i = 0; i < name.length; i++) if (text.charCodeAt(start + i) !== name.charCodeAt(i)) return false;
  return true;
}

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly exactNumbers: boolean,
    /** Objects at this depth (the root is 1) are made without a prototype; 0: none. See `DecodeOptions.requestMaps`. */
    private readonly prototypelessDepth: number,
  ) {}

  parseDocument(): ExactJsonValue {
    this.skipSpace(true);
    if (this.pos >= this.text.length) this.fail('empty document');
    const value = this.parseValue();
    // Upstream treats a comment after the root value as trailing garbage.
    this.skipSpace(false);
    if (this.pos < this.text.length) this.fail('unexpected text after the root value');
    return value;
  }

  private parseValue(): ExactJsonValue {
    const c = this.text.charCodeAt(this.pos);
    switch (c) {
      case Ch.OpenBrace:
        return this.parseObject();
      case Ch.OpenBracket:
        return this.parseArray();
      case Ch.Quote:
        return this.parseString();
      case 0x74 /* t */:
        return this.parseLiteral('true', true);
      case 0x66 /* f */:
        return this.parseLiteral('false', false);
      case 0x6e /* n */:
        return this.parseLiteral('null', null);
      default:
        if (c === Ch.Minus || (c >= Ch.Zero && c <= Ch.Nine)) return this.parseNumber();
        return this.fail('unexpected character');
    }
  }

  /**
   * Steps into the object or array whose opening character is at `pos`. Returns true when it is
   * empty, its `close` character already consumed and the depth restored: the caller is done.
   */
  private enter(close: Ch): boolean {
    if (++this.depth > MAX_NESTING_DEPTH) {
      throw new JsonDecodeError('depth', `nesting deeper than ${MAX_NESTING_DEPTH}`, this.pos);
    }
    this.pos++;
    if (mayBeSpace(this.text.charCodeAt(this.pos))) this.skipSpace(true);
    if (this.text.charCodeAt(this.pos) !== close) return false;
    this.pos++;
    this.depth--;
    return true;
  }

  /**
   * Reads what follows a member or an item: `,` (returns false, another one follows) or the
   * container's `close` (returns true, the depth restored).
   */
  private leaveAfterItem(close: Ch): boolean {
    if (mayBeSpace(this.text.charCodeAt(this.pos))) this.skipSpace(true);
    const c = this.text.charCodeAt(this.pos++);
    if (c === close) {
      this.depth--;
      return true;
    }
    if (c !== Ch.Comma) this.fail(`expected ',' or '${String.fromCharCode(close)}'`, this.pos - 1);
    if (mayBeSpace(this.text.charCodeAt(this.pos))) this.skipSpace(true);
    return false;
  }

  private parseObject(): ExactJsonValue {
    const object: Record<string, ExactJsonValue> =
      this.depth + 1 === this.prototypelessDepth ? (Object.create(null) as Record<string, ExactJsonValue>) : {};
    if (this.enter(Ch.CloseBrace)) return object;
    let first = true;
    do {
      if (this.text.charCodeAt(this.pos) !== Ch.Quote) this.fail('expected a member name');
      const key = this.parseMemberName();
      if (mayBeSpace(this.text.charCodeAt(this.pos))) this.skipSpace(true);
      if (this.text.charCodeAt(this.pos) !== Ch.Colon) this.fail("expected ':'");
      this.pos++;
      if (mayBeSpace(this.text.charCodeAt(this.pos))) this.skipSpace(true);
      const value = this.parseValue();
      // The first member cannot be a duplicate: no lookup.
      if (first || !Object.hasOwn(object, key)) {
        first = false;
        // defineProperty, not assignment: a member named "__proto__" must stay an own member
        // (as JSON.parse makes it) instead of replacing the object's prototype.
        if (key === '__proto__') {
          Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
        } else {
          object[key] = value;
        }
      }
    } while (!this.leaveAfterItem(Ch.CloseBrace));
    return object;
  }

  private parseArray(): ExactJsonValue {
    const array: ExactJsonValue[] = [];
    if (this.enter(Ch.CloseBracket)) return array;
    // A command body's array holds key names (SH_GET's and KV_GET's `keys`), which the engine
    // makes the members of a prototype-less reply object: V8 stores a member under a string it
    // has not made a property key yet through its runtime, ~420 ns against ~20 for a name it has.
    // Read as member names, they come from the name cache. Engine, text in and text out: SH_GET of
    // an express-session ~2.45 → ~2.05 µs, of two small keys 1.30–1.55 → 1.25–1.41 µs.
    const names = this.depth === this.prototypelessDepth;
    do {
      // A long name is a view into the text (see SHARED_SLICE_LENGTH), and an array may be kept (KV_ARR_APPEND's `items`).
      array.push(names && this.text.charCodeAt(this.pos) === Ch.Quote ? this.parseArrayName() : this.parseValue());
    } while (!this.leaveAfterItem(Ch.CloseBracket));
    return array;
  }

  /**
   * A member name (or a key name in a command body's array, see `parseArray`): as
   * {@link parseString}, but a name without escapes that was read recently is answered with the
   * string read then. Requests repeat their names (`SH_SET`, `tkn`, `keys`, and
   * the same user keys), and a string V8 has already made a property key is stored again without
   * a lookup in its string table: with `slice` and that lookup, names were ~6 % of the server's
   * CPU per request in the sessions mix.
   */
  private parseMemberName(): string {
    const text = this.text;
    const start = this.pos + 1;
    let pos = start;
    let hash = 0;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === Ch.Quote) break;
      // An escape, a control character or the end of the text (NaN): the general reader.
      if (!(c >= Ch.Space) || c === Ch.Backslash) return this.parseString();
      hash = (Math.imul(hash, 31) + c) | 0;
      pos++;
    }
    this.pos = pos + 1;
    const length = pos - start;
    if (length > NAME_CACHE_LONGEST) return text.slice(start, pos);
    const slot = (hash ^ length) & (NAME_CACHE_SIZE - 1);
    const cached = NAME_CACHE[slot];
    if (cached !== undefined && cached.length === length && sameChars(text, start, cached)) return cached;
    const name = text.slice(start, pos);
    NAME_CACHE[slot] = name;
    return name;
  }

  /** A name in a command body's array (see `parseArray`), copied when long: the array may be stored. */
  private parseArrayName(): string {
    const name = this.parseMemberName();
    return name.length < SHARED_SLICE_LENGTH ? name : copyOf(name, 0, name.length);
  }

  private parseString(): string {
    const text = this.text;
    let pos = this.pos + 1;
    let chunkStart = pos;
    let result = '';
    for (;;) {
      if (pos >= text.length) this.fail('unterminated string', this.pos);
      const c = text.charCodeAt(pos);
      if (c === Ch.Quote) break;
      if (c < Ch.Space) this.fail('control character in string', pos);
      if (c !== Ch.Backslash) {
        pos++;
        continue;
      }
      result += text.slice(chunkStart, pos);
      const e = text.charCodeAt(pos + 1);
      const simple = ESCAPES[e];
      if (simple !== undefined) {
        result += simple;
        pos += 2;
      } else if (e === 0x75 /* u */) {
        const hex = text.slice(pos + 2, pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape', pos);
        result += String.fromCharCode(parseInt(hex, 16));
        pos += 6;
      } else {
        this.fail('invalid escape', pos);
      }
      chunkStart = pos;
    }
    this.pos = pos + 1;
    // Without escapes, the string is one slice of the text; with them, a concatenation of slices.
    if (result === '') return copyOf(text, chunkStart, pos);
    result += text.slice(chunkStart, pos);
    return result.length < SHARED_SLICE_LENGTH ? result : ownString(result);
  }

  private parseNumber(): number | bigint | JsonDouble {
    const text = this.text;
    const start = this.pos;
    let pos = start;
    if (text.charCodeAt(pos) === Ch.Minus) pos++;
    const firstDigit = text.charCodeAt(pos);
    if (firstDigit === Ch.Zero) {
      pos++;
    } else if (firstDigit > Ch.Zero && firstDigit <= Ch.Nine) {
      pos = this.skipDigits(pos);
    } else {
      this.fail('invalid number', start);
    }
    let integer = true;
    if (text.charCodeAt(pos) === Ch.Dot) {
      integer = false;
      const afterDot = this.skipDigits(pos + 1);
      if (afterDot === pos + 1) this.fail('invalid number', start);
      pos = afterDot;
    }
    const e = text.charCodeAt(pos);
    if (e === Ch.LowerE || e === Ch.UpperE) {
      integer = false;
      pos++;
      const sign = text.charCodeAt(pos);
      if (sign === Ch.Plus || sign === Ch.Minus) pos++;
      const afterExponent = this.skipDigits(pos);
      if (afterExponent === pos) this.fail('invalid number', start);
      pos = afterExponent;
    }
    this.pos = pos;
    if (integer) {
      // Up to 15 digits is always a safe integer: summed here, without a slice and a strtod. More
      // than 16 never is: a bigint at once (the 64-bit tokens of session requests).
      const digits = pos - start - (text.charCodeAt(start) === Ch.Minus ? 1 : 0);
      if (digits <= 15) {
        let value = 0;
        for (let i = pos - digits; i < pos; i++) value = value * 10 + (text.charCodeAt(i) - Ch.Zero);
        return text.charCodeAt(start) === Ch.Minus ? -value : value;
      }
      const literal = text.slice(start, pos);
      if (digits > 16) return BigInt(literal);
      const value = Number(literal);
      return Number.isSafeInteger(value) ? value : BigInt(literal);
    }
    const literal = text.slice(start, pos);
    const value = Number(literal);
    if (this.exactNumbers && Number.isInteger(value)) return new JsonDouble(value);
    return value;
  }

  private skipDigits(pos: number): number {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(pos); // NaN past the end, which is not a digit either
      if (!(c >= Ch.Zero && c <= Ch.Nine)) return pos;
      pos++;
    }
  }

  private parseLiteral<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail('unexpected character');
    this.pos += word.length;
    return value;
  }

  /** Skips JSON whitespace and, where `comments` is true, comments as upstream reads them. */
  private skipSpace(comments: boolean): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === Ch.Space || c === Ch.LineFeed || c === Ch.CarriageReturn || c === Ch.Tab) {
        pos++;
      } else if (comments && c === Ch.Slash) {
        const next = text.charCodeAt(pos + 1);
        if (next === Ch.Star) {
          const end = text.indexOf('*/', pos + 2);
          if (end < 0) this.fail('unterminated comment', pos);
          pos = end + 2;
        } else if (next === Ch.Slash) {
          pos += 2;
          while (pos < text.length) {
            const d = text.charCodeAt(pos);
            if (d === Ch.LineFeed || d === Ch.CarriageReturn) break;
            pos++;
          }
        } else {
          this.fail('unexpected character', pos);
        }
      } else {
        this.pos = pos;
        return;
      }
    }
  }

  private fail(message: string, position = this.pos): never {
    throw new JsonDecodeError('syntax', `${message} at position ${position}`, position);
  }
}
