// Values are stored as JSON text written by the protocol's lossless codec, so what comes back is
// exactly what went in: integers beyond 2^53 stay bigint, `24.0` stays a double, `"\ud800"` stays
// a lone surrogate (escaped in the text).

import { decode, encode, type ExactJsonObject, type ExactJsonValue, type UInt64 } from '@nemesisdb/protocol';

export function valueText(value: ExactJsonValue): string {
  return encode(value);
}

export function valueOf(text: string | Buffer): ExactJsonValue {
  return decode(typeof text === 'string' ? text : text.toString('utf8'), { exactNumbers: true });
}

/**
 * A new object for members whose names come from users: without a prototype, so a member named
 * "__proto__" is an ordinary member (as the engine's own stores do).
 */
export function createMembers(): ExactJsonObject {
  return Object.create(null) as ExactJsonObject;
}

/** A uint read from its decimal text: a number when exact as one, else a bigint (as the codec does). */
export function uintOf(text: string): UInt64 {
  const value = BigInt(text);
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** The distinct strings among `items`, in first-seen order (requests may repeat or mix types). */
export function distinctNames(items: readonly ExactJsonValue[]): string[] {
  const names = new Set<string>();
  for (const item of items) if (typeof item === 'string') names.add(item);
  return [...names];
}
