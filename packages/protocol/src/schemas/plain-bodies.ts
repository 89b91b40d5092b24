import { isJsonObject } from '../codec/json-value.js';
import type { CommandName } from './commands.js';
import { MAX_UINT64 } from './primitives.js';

/*
 * The request bodies of the busiest commands, recognized without zod when they are plainly valid:
 * every member the schema checks is present with a type the schema accepts as it is, without a
 * transform. Such a body passes `checkRequest` unchanged, so it is answered with itself.
 *
 * Why: zod's `safeParse` is ~50–120 ns per body and, over every command's schema in one server,
 * ~5 % of the server's CPU per request in the load bench's sessions mix at 4 × 64; these checks
 * are a few type tests. Anything else (a small token written as a `number` or a string, an
 * `expiry` to check, any invalid body) goes on to zod, which stays the only judge of what is
 * rejected and with which status.
 *
 * Each check must accept only bodies its command's schema accepts unchanged:
 * `plain-bodies.test.ts` holds them to that on generated bodies.
 */

type Body = Record<string, unknown>;

/** A session token the schema keeps as it is: a `bigint` in 0 … 2^64 − 1 (every 64-bit token a decoder reads). */
function isPlainToken(value: unknown): boolean {
  return typeof value === 'bigint' && value >= 0n && value <= MAX_UINT64;
}

const hasObjectKeys = (body: Body): boolean => isJsonObject(body.keys);
const hasArrayKeys = (body: Body): boolean => Array.isArray(body.keys);
const hasItemsInKeys = (body: Body): boolean => Array.isArray(body.keys) && body.keys.length > 0;

/** The command's plain-body check, for the commands that have one. */
export const PLAIN_BODIES: Partial<Record<CommandName, (body: Body) => boolean>> = {
  // `expiry` needs its members checked (and `name`, `shared` are the engine's): zod does it.
  SH_NEW: (body) => body.expiry === undefined,
  SH_END: (body) => isPlainToken(body.tkn),
  SH_SET: (body) => isPlainToken(body.tkn) && hasObjectKeys(body),
  SH_ADD: (body) => isPlainToken(body.tkn) && hasObjectKeys(body),
  SH_GET: (body) => isPlainToken(body.tkn) && hasArrayKeys(body),
  SH_RMV: (body) => isPlainToken(body.tkn) && hasItemsInKeys(body),
  SH_COUNT: (body) => isPlainToken(body.tkn),
  SH_CONTAINS: (body) => isPlainToken(body.tkn) && hasArrayKeys(body),
  SH_KEYS: (body) => isPlainToken(body.tkn),
  KV_SET: hasObjectKeys,
  KV_ADD: hasObjectKeys,
  KV_GET: hasArrayKeys,
  KV_RMV: hasItemsInKeys,
  KV_CONTAINS: hasArrayKeys,
};
