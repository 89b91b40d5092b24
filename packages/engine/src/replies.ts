import { ERR } from '@nemesisdb/protocol';

/** A response body: the object inside `{"<CMD>_RSP": …}`. */
export type ResponseBody = { readonly [member: string]: unknown };

/** A whole response: `{"<CMD>_RSP": body}` or `{"ERR": {"m": "", "st": N}}`. */
export type Envelope = { readonly [name: string]: ResponseBody };

/** Error form A (PROTOCOL.md §2.3): `{"m":…,"st":…,"tkn":null}`, KV commands included. */
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
