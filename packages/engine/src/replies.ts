import { ERR, Status } from '@nemesisdb/protocol';

/**
 * A reply body: the object inside `{"<CMD>_RSP": …}`, as the engine builds it (any members). Not
 * protocol's `ResponseBody<C>`, which is the typed body of one command.
 */
export type ReplyBody = { readonly [member: string]: unknown };

/** A whole response: `{"<CMD>_RSP": body}` or `{"ERR": {"m": "", "st": N}}`. */
export type Envelope = { readonly [name: string]: ReplyBody };

/** Error form A (docs/reference/protocol.md §2.3): `{"m":…,"st":…,"tkn":null}`, KV commands included. */
export function errorBody(st: number, m = ''): ReplyBody {
  return { m, st, tkn: null };
}

/** `{"ERR":{"m":"","st":N}}`, for requests that name no command the engine can answer for. */
export function errEnvelope(st: number): Envelope {
  return { [ERR]: { m: '', st } };
}

/** Thrown by a handler to answer with an `ERR` envelope instead of its own (upstream KV quirks). */
export class ErrReply extends Error {
  constructor(readonly st: number) {
    super(`ERR ${st}`);
  }
}

/** `{"st":1}`: the whole body of most successful writes. */
export const OK_BODY: ReplyBody = { st: Status.Ok };

/** A session command on a token with no (live) session: form A, like a bad token. */
export const NO_SESSION_BODY: ReplyBody = errorBody(Status.SessionNotExist);

/** KV_FIND with a path that does not parse or evaluate. */
export const PATH_INVALID_BODY: ReplyBody = { st: Status.PathInvalid };

/** Bodies that never change, which the engine writes out once and reuses. */
export const CONSTANT_BODIES: readonly ReplyBody[] = [OK_BODY, NO_SESSION_BODY, PATH_INVALID_BODY];
