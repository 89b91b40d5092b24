import { Status, errorReplyBody } from '@nemesisdb/protocol';

/**
 * A reply body: the object inside `{"<CMD>_RSP": …}`, as the engine builds it (any members). Not
 * protocol's `ResponseBody<C>`, which is the typed body of one command.
 */
export type ReplyBody = { readonly [member: string]: unknown };

/** A whole response: `{"<CMD>_RSP": body}` or `{"ERR": {"m": "", "st": N}}`. */
export type Envelope = { readonly [name: string]: ReplyBody };

/** Thrown by a handler to answer with an `ERR` envelope instead of its own (upstream KV quirks). */
export class ErrReply extends Error {
  constructor(readonly st: number) {
    super(`ERR ${st}`);
  }
}

/** `{"st":1}`: the whole body of most successful writes. */
export const OK_BODY: ReplyBody = { st: Status.Ok };

/** A session command on a token with no (live) session: form A, like a bad token. */
export const NO_SESSION_BODY: ReplyBody = errorReplyBody(Status.SessionNotExist);

/** KV_FIND with a path that does not parse or evaluate. */
export const PATH_INVALID_BODY: ReplyBody = { st: Status.PathInvalid };

/**
 * `{"keys": …, "st": 1}`: the success body of SH_GET, KV_GET and the KEYS commands. A class, so that
 * the reply writer knows the shape without looking (reply.ts writes a prototype-less `keys` member
 * by member, which is ~250 ns faster than a walk and `JSON.stringify` of a dictionary object).
 */
export class KeysBody {
  readonly [member: string]: unknown;
  readonly keys: unknown;
  readonly st: number;

  constructor(keys: unknown) {
    this.keys = keys;
    this.st = Status.Ok;
  }
}

/**
 * `{"st": …, "tkn": …}`: the body of SH_NEW, SH_OPEN and SH_END, written without the walk and the
 * JavaScript writer that a `bigint` member costs `encode` (~200 → ~50 ns; see reply.ts).
 */
export class TokenBody {
  readonly [member: string]: unknown;
  readonly st: number;
  readonly tkn: bigint;

  constructor(st: number, tkn: bigint) {
    this.st = st;
    this.tkn = tkn;
  }
}

/** Bodies that never change, which the engine writes out once and reuses. */
export const CONSTANT_BODIES: readonly ReplyBody[] = [OK_BODY, NO_SESSION_BODY, PATH_INVALID_BODY];
