import { MAX_UINT64, readToken } from '@nemesisdb/protocol';

/*
 * Session tokens are unsigned 64-bit integers on the wire (docs/reference/protocol.md §6) and almost all exceed
 * 2^53, so a JavaScript number would round them. The SDK hands them out as canonical decimal
 * strings — exact, JSON-, cookie- and URL-safe — branded so that an arbitrary string is not taken
 * for one by mistake, and sends them as bare integer literals (as `bigint`), which every v0.7.4
 * server accepts (a quoted token is rejected upstream).
 */

declare const sessionTokenBrand: unique symbol;

/**
 * A session token as a canonical decimal string (`"16351792548006066062"`): no sign, no leading
 * zeros, 0 … 18446744073709551615. Store it in a cookie or JSON as is and reopen the session with
 * `db.sessions.open(token)`.
 */
export type SessionToken = string & { readonly [sessionTokenBrand]: true };

/** Anything a method accepts as a token: a {@link SessionToken}, its decimal string, or a `bigint`. */
export type TokenLike = SessionToken | string | bigint;

/**
 * Checks and brands a token: a canonical decimal string or a `bigint` in 0 … 2^64 − 1.
 *
 * @throws TypeError when `value` is not a token (e.g. `"12x"`, `"007"`, `-1n`, a number).
 */
export function toSessionToken(value: TokenLike): SessionToken {
  return String(tokenToBigInt(value)) as SessionToken;
}

/** Whether `value` is a token in its canonical decimal string form. */
export function isSessionToken(value: unknown): value is SessionToken {
  return typeof value === 'string' && readToken(value) !== undefined;
}

/**
 * The exact integer of a token, as sent on the wire.
 *
 * @throws TypeError when `value` is not a token.
 */
export function tokenToBigInt(value: TokenLike): bigint {
  // Numbers are refused even when safe: accepting them would invite passing a rounded token.
  const token = typeof value === 'string' || typeof value === 'bigint' ? readToken(value) : undefined;
  if (token === undefined) {
    const shown = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'bigint' ? `${value}n` : String(value);
    throw new TypeError(`not a session token: ${shown} (expected a decimal string or bigint from 0 to ${MAX_UINT64})`);
  }
  return token;
}
