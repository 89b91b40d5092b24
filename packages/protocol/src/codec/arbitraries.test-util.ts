// fast-check arbitraries shared by the codec tests: exact JSON values, and JSON *texts* written in
// every spelling the dialect allows (whitespace, comments, number forms, duplicate members) along
// with the value a correct reader must return for them.
import fc from 'fast-check';
import { JsonDouble, type ExactJsonValue, type JsonValue } from './json-value.js';

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Strings of any UTF-16 code units: lone surrogates, controls, quotes, backslashes, NULs. */
export const anyString = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) });

/** Object member names, including the awkward ones. */
const memberName = fc.oneof(
  { weight: 6, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 2, arbitrary: anyString },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', '', '0', '10', 'tkn') },
);

/** An integer the codec must keep exactly: a safe `number` or a `bigint` outside the safe range. */
export const exactInteger = fc.oneof(
  fc.integer().map((n) => n as number | bigint),
  fc.maxSafeInteger().map((n) => n as number | bigint),
  fc
    .bigInt({ min: -(2n ** 80n), max: 2n ** 80n })
    .filter((n) => n > SAFE || n < -SAFE)
    .map((n) => n as number | bigint),
  fc.constantFrom<number | bigint>(2n ** 64n - 1n, 2n ** 63n, -(2n ** 63n), 2n ** 53n, -(2n ** 53n), 9007199254740991),
);

/** Finite doubles other than -0 (which JSON writes as 0). */
const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0));

/** Any JSON value as `decode` (default mode) returns it. */
export const exactJsonValue: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    exactInteger,
    finiteDouble.filter((d) => !Number.isInteger(d) || Number.isSafeInteger(d)),
    anyString,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(memberName, tie('value'), { maxKeys: 5 }),
  ),
})).value;

// ------------------------------------------------------------------------------ JSON texts

/** A generated JSON text and what it means. */
export interface Spelled {
  text: string;
  /** The value in default mode. */
  value: ExactJsonValue;
  /** The value with `exactNumbers`. */
  exact: ExactJsonValue;
  hasComment: boolean;
  hasDuplicate: boolean;
  hasUnsafeInteger: boolean;
}

type Node =
  | { kind: 'number'; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'literal'; text: 'true' | 'false' | 'null' }
  | { kind: 'array'; items: Node[] }
  | { kind: 'object'; members: [string, Node][] };

const numberText = fc.oneof(
  exactInteger.map((n) => String(n)),
  fc.constantFrom('0', '-0', '60.0', '6e1', '6E+1', '1.5', '-2.50', '1e-7', '1e400', '-1e400', '0.1e2', '123.456e-2'),
  finiteDouble.map((d) => String(d)),
);

const node: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    numberText.map((text): Node => ({ kind: 'number', text })),
    anyString.map((value): Node => ({ kind: 'string', value })),
    fc.constantFrom('true', 'false', 'null').map((text): Node => ({ kind: 'literal', text })),
    fc.array(tie('node'), { maxLength: 4 }).map((items): Node => ({ kind: 'array', items })),
    fc
      .array(fc.tuple(fc.constantFrom('a', 'b', '__proto__', 'k'), tie('node')), { maxLength: 4 })
      .map((members): Node => ({ kind: 'object', members })),
  ),
})).node;

const plainSpace = fc.constantFrom('', '', '', ' ', '\n', '\t', '\r\n ');
const commentSpace = fc.constantFrom('/* c */', '// line\n', '/**/', ' /* " , ] */ ', '//\r');

/** JSON texts in every spelling, with the value they must decode to. */
export function spelledJson(options: { comments: boolean }): fc.Arbitrary<Spelled> {
  const space = options.comments ? fc.oneof({ weight: 5, arbitrary: plainSpace }, { weight: 1, arbitrary: commentSpace }) : plainSpace;
  return fc.tuple(node, fc.array(space, { minLength: 64, maxLength: 64 }), plainSpace).map(([root, spaces, trailing]) => {
    let cursor = 0;
    const flags = { hasComment: false, hasDuplicate: false, hasUnsafeInteger: false };
    const gap = (): string => {
      const s = spaces[cursor++ % spaces.length]!;
      if (s.includes('/')) flags.hasComment = true;
      return s;
    };
    const write = (n: Node): string => {
      switch (n.kind) {
        case 'number':
          if (isUnsafeInteger(n.text)) flags.hasUnsafeInteger = true;
          return n.text;
        case 'string':
          return JSON.stringify(n.value);
        case 'literal':
          return n.text;
        case 'array':
          return '[' + gap() + n.items.map((item) => write(item) + gap()).join(',' + gap()) + ']';
        case 'object': {
          const seen = new Set<string>();
          for (const [key] of n.members) {
            if (seen.has(key)) flags.hasDuplicate = true;
            seen.add(key);
          }
          const members = n.members.map(([key, value]) => JSON.stringify(key) + gap() + ':' + gap() + write(value) + gap());
          return '{' + gap() + members.join(',' + gap()) + '}';
        }
      }
    };
    const text = gap() + write(root) + trailing;
    return { text, value: meaning(root, false), exact: meaning(root, true), ...flags };
  });
}

function isUnsafeInteger(text: string): boolean {
  return /^-?\d+$/.test(text) && !Number.isSafeInteger(Number(text));
}

/** What a node means, first member winning among duplicates. */
function meaning(n: Node, exactNumbers: boolean): ExactJsonValue {
  switch (n.kind) {
    case 'number': {
      if (/^-?\d+$/.test(n.text)) return isUnsafeInteger(n.text) ? BigInt(n.text) : Number(n.text);
      const value = Number(n.text);
      return exactNumbers && Number.isInteger(value) ? new JsonDouble(value) : value;
    }
    case 'string':
      return n.value;
    case 'literal':
      return n.text === 'null' ? null : n.text === 'true';
    case 'array':
      return n.items.map((item) => meaning(item, exactNumbers));
    case 'object': {
      const object: Record<string, ExactJsonValue> = {};
      for (const [key, value] of n.members) {
        if (!Object.hasOwn(object, key)) {
          Object.defineProperty(object, key, { value: meaning(value, exactNumbers), enumerable: true, writable: true, configurable: true });
        }
      }
      return object;
    }
  }
}

/** Edits a text at random places with characters that matter to a JSON reader. */
export const mutatedJson = fc
  .tuple(
    spelledJson({ comments: true }),
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.nat({ max: 3 }),
        fc.constantFrom(
          '{',
          '}',
          '[',
          ']',
          ',',
          ':',
          '"',
          '\\',
          '/',
          '*',
          '0',
          '1',
          '-',
          '.',
          'e',
          '+',
          ' ',
          'n',
          'u',
          '\u0000',
          '12345678901234567890',
        ),
      ),
      { minLength: 1, maxLength: 3 },
    ),
  )
  .map(([spelled, edits]) => {
    let text = spelled.text;
    for (const [at, removed, inserted] of edits) {
      const position = text.length === 0 ? 0 : at % (text.length + 1);
      text = text.slice(0, position) + inserted + text.slice(position + removed);
    }
    return text;
  });
