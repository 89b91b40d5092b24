import { ERR, Status } from '@nemesisdb/protocol';

/** A response body: the object inside `{"<CMD>_RSP": …}`. */
export type ResponseBody = { readonly [member: string]: unknown };

/** A whole response: `{"<CMD>_RSP": body}` or `{"ERR": {"m": "", "st": N}}`. */
export type Envelope = { readonly [name: string]: ResponseBody };

/** Error form A (docs/reference/protocol.md §2.3): `{"m":…,"st":…,"tkn":null}`, KV commands included. */
export function errorBody(st: number, m = ''): ResponseBody {
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
export const OK_BODY: ResponseBody = { st: Status.Ok };

/** A session command on a token with no (live) session: form A, like a bad token. */
export const NO_SESSION_BODY: ResponseBody = errorBody(Status.SessionNotExist);

/** KV_FIND with a path that does not parse or evaluate. */
export const PATH_INVALID_BODY: ResponseBody = { st: Status.PathInvalid };

/** Bodies that never change, which the engine writes out once and reuses. */
export const CONSTANT_BODIES: readonly ResponseBody[] = [OK_BODY, NO_SESSION_BODY, PATH_INVALID_BODY];
