/**
 * The values the codec produces and accepts.
 *
 * JSON numbers map to JS as follows, so that no integer is ever rounded:
 * - an integer literal within ±(2^53 − 1) → `number`;
 * - any other integer literal → `bigint` (exact, whatever its size);
 * - a literal with a fraction or exponent → `number` (IEEE double, like upstream), or, when decoding
 *   with `{ exactNumbers: true }` and its value is integral (`60.0`, `1e3`), a {@link JsonDouble}.
 */
export type JsonPrimitive = null | boolean | number | bigint | string;

/** A JSON value as {@link decode} returns it by default. */
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;

/** A JSON object. Member order is insertion order (upstream sorts members; both are valid JSON). */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A JSON value decoded with `{ exactNumbers: true }`: integral doubles stay distinguishable. */
export type ExactJsonValue = JsonPrimitive | JsonDouble | ExactJsonValue[] | ExactJsonObject;

/** A JSON object decoded with `{ exactNumbers: true }`. */
export interface ExactJsonObject {
  [key: string]: ExactJsonValue;
}

/**
 * A number written with a fraction or exponent whose value happens to be integral, such as `60.0`
 * or `1e3`. JavaScript cannot tell `60.0` from `60`, but the protocol can: NemesisDB accepts only
 * integer literals where it wants a `uint` (so `{"duration":60.0}` is status 41), and re-emits
 * stored doubles with their fractional part. Keeping these literals in a wrapper lets the engine
 * validate exactly and write `60.0` back as `60.0`.
 */
export class JsonDouble {
  constructor(readonly value: number) {}

  /** Arithmetic and comparisons (`>`, `==`) see the number, as they would for a plain double. */
  valueOf(): number {
    return this.value;
  }

  /** `JSON.stringify` support: a plain number (`60.0` becomes `60`). */
  toJSON(): number {
    return this.value;
  }

  /** The literal upstream would write for this double: always with a fraction or exponent. */
  toString(): string {
    return formatDouble(this.value);
  }
}

/** Formats a double so that it reads back as a double (`60` → `60.0`); non-finite → `null`. */
export function formatDouble(value: number): string {
  if (!Number.isFinite(value)) return 'null';
  const text = String(value);
  // String() gives "60", "1e+21", "1.5" or "-0" → "0": only a bare integer needs the ".0".
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e /* . */ || c === 0x65 /* e */) return text;
  }
  return text + '.0';
}

/**
 * Whether a decoded value is a JSON object (`{…}`): not null, not an array, not a JsonDouble. The
 * one test of "is this an object" for everything that reads decoded JSON (the schemas, the engine,
 * the SDK, the CLI, the conformance matcher), so they cannot disagree on what a double is.
 */
export function isJsonObject(value: unknown): value is ExactJsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonDouble);
}
