import type { JsonValue } from '@nemesisdb/protocol';

/**
 * Keys and their values to store: `{ cart: [...], user: { id: 2n ** 60n } }`. A value is anything
 * JSON can hold, plus `bigint` for integers beyond 2^53 (written as exact digits). Values are
 * written like `JSON.stringify` writes them: `undefined` members are left out and `toJSON()` is
 * honoured (a `Date` becomes its ISO string).
 */
export type KeyValues = Readonly<Record<string, unknown>>;

/**
 * Values read back for the keys `K` that exist; absent keys are simply not members. Integers
 * beyond ±(2^53 − 1) come back as `bigint`, every other number as `number`.
 */
export type FoundValues<K extends string = string> = { [Key in K]?: JsonValue };

/** The result of a save: the dataset name and how long writing took. */
export interface SaveResult {
  /** The dataset name. */
  name: string;
  /** Milliseconds the server spent writing. */
  durationMs: number;
}

/** Shapes a membership reply (the present items, in request order) as one boolean per asked item. */
export function presence(asked: readonly string[], present: readonly string[]): boolean[] {
  const found = new Set(present);
  return asked.map((item) => found.has(item));
}
