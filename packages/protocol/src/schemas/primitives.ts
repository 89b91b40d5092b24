import { z } from 'zod';
import { isJsonObject, type JsonObject, type JsonValue } from '../codec/json-value.js';

/** 2^64 − 1, the largest `uint` and the largest session token. */
export const MAX_UINT64 = 18446744073709551615n;

/**
 * `uint` (docs/reference/protocol.md §2.2): a non-negative integer literal ≤ 2^64 − 1. Decoded as a `number` when
 * it is a safe integer and as a `bigint` otherwise. Doubles (`60.0`, `6e1`, decoded with
 * `exactNumbers` as `JsonDouble`), negatives, strings and `null` are rejected.
 */
export const uint64 = z.union([z.number().int().nonnegative(), z.bigint().min(0n).max(MAX_UINT64)]);

/** A decoded `uint`: exact, a `bigint` only above 2^53 − 1. */
export type UInt64 = z.infer<typeof uint64>;

/** A canonical decimal token (§13 C3 extension): no sign, no leading zeros, at most 20 digits. */
const DECIMAL_TOKEN = /^(?:0|[1-9][0-9]{0,19})$/;

/**
 * Whether a decoded value is a session token as a request may carry it: an integer literal in
 * 0 … 2^64 − 1, or (our extension, §13 C3) the same number as a canonical decimal string.
 * Returns the token, or `undefined` when the value is not one.
 */
export function readToken(value: unknown): bigint | undefined {
  switch (typeof value) {
    case 'number':
      return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
    case 'bigint':
      return value >= 0n && value <= MAX_UINT64 ? value : undefined;
    case 'string': {
      if (!DECIMAL_TOKEN.test(value)) return undefined;
      const token = BigInt(value);
      return token <= MAX_UINT64 ? token : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * A session token in a request: see {@link readToken}. Always a `bigint` once parsed. A token that
 * is already a `bigint` (every 64-bit token a decoder reads) takes the first branch, which costs no
 * transform: this schema is on the path of every session command.
 */
export const sessionToken = z.union([
  z.custom<bigint>((value) => typeof value === 'bigint' && value >= 0n && value <= MAX_UINT64),
  z
    .custom<number | string>((value) => typeof value !== 'bigint' && readToken(value) !== undefined, 'expected a session token')
    .transform((value) => readToken(value)!),
]);

/** A session token in a response: always a bare JSON integer; a `bigint` once parsed. */
export const responseToken = z
  .union([z.number().int().nonnegative(), z.bigint().min(0n).max(MAX_UINT64)])
  .transform((value) => BigInt(value));

/** A JSON object (`{…}`), kept as it is (members are user data, never copied). */
export const jsonObject = z.custom<JsonObject>((value) => isJsonObject(value), 'expected an object');

/** A JSON array (`[…]`) of any items, kept as it is. */
export const jsonArray = z.custom<JsonValue[]>((value) => Array.isArray(value), 'expected an array');

/** Any JSON value, `null` included, but present: a missing member is ParamMissing. */
export const jsonValue = z.custom<JsonValue>((value) => value !== undefined, 'expected a value');

/** The status member of every response body. */
export const st = z.number().int().nonnegative();

/** A status that must be exactly `code`. */
export const stIs = <Code extends number>(code: Code) => z.literal(code);
