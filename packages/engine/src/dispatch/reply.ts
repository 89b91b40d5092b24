import { ERR, Status, encode, isJsonObject, errEnvelopeOf, errorReplyBody } from '@nemesisdb/protocol';
import { CONSTANT_BODIES, KeysBody, TokenBody, type Envelope, type ReplyBody } from '../replies.js';
import type { Route } from './routes.js';

/** The reply to a command that would add data while `maxDataBytes` is reached. */
export const MEMORY_FULL_MESSAGE = 'maxDataBytes reached: commands that add data are refused';

export const SYNTAX_BODY = errorReplyBody(Status.CommandSyntax);
const NOT_EXIST_BODY = errorReplyBody(Status.CommandNotExist);
const FAILED_BODY = errorReplyBody(Status.Unknown);
export const DISABLED_BODY: ReplyBody = { m: '', st: Status.CommandDisabled };
export const MEMORY_FULL_BODY = errorReplyBody(Status.Unknown, MEMORY_FULL_MESSAGE);

/** The `command` of replies to requests that named no known command (for metrics). */
const ERR_COMMAND = 'ERR';

/**
 * A reply before it is written: the envelope's member name and the body. Kept apart (rather than
 * as an envelope object) so the text path writes `{"<name>":<body>}` without building and walking
 * a wrapper object per request.
 */
export class Reply {
  constructor(
    /** `<CMD>_RSP` or `ERR`. */
    readonly name: string,
    readonly body: ReplyBody,
    /** The command it answers, for metrics; `ERR` when the request named no known command. */
    readonly command: string,
    /** `{"<name>":`, the text that opens the reply (precomputed on the route for command replies). */
    readonly prefix: string = `{${JSON.stringify(name)}:`,
  ) {}

  envelope(): Envelope {
    return { [this.name]: this.body };
  }

  /** `{"<name>":<body>}` */
  text(): string {
    return this.prefix + encodeBody(this.body) + '}';
  }
}

/** The reply of the command on `route` with this body, in the command's own envelope. */
export function routeReply(route: Route, body: ReplyBody): Reply {
  return new Reply(route.responseName, body, route.name, route.prefix);
}

const errReply = (st: number) => new Reply(ERR, errEnvelopeOf(st)[ERR]!, ERR_COMMAND);
export const JSON_INVALID = errReply(Status.JsonInvalid);
export const NOT_ONE_COMMAND = errReply(Status.CommandSyntax);
const KV_NOT_EXIST = errReply(Status.CommandNotExist);
const KV_FAILED = errReply(Status.Unknown);

/** `{"ERR":{"m":"","st":N}}`, for a command that answers with `ErrReply`. */
export function statusReply(st: number): Reply {
  return errReply(st);
}

/**
 * Bodies that never change (`{"st":1}` and the error bodies above) are written once: the text of
 * a reply is then a concatenation, with no encoding at all.
 */
const CONSTANT_TEXT = new WeakMap<ReplyBody, string>();
for (const body of [
  SYNTAX_BODY,
  NOT_EXIST_BODY,
  FAILED_BODY,
  DISABLED_BODY,
  MEMORY_FULL_BODY,
  ...CONSTANT_BODIES,
  JSON_INVALID.body,
  NOT_ONE_COMMAND.body,
  KV_NOT_EXIST.body,
  KV_FAILED.body,
]) {
  CONSTANT_TEXT.set(body, encode(body));
}

function encodeBody(body: ReplyBody): string {
  if (body instanceof KeysBody) return encodeKeysBody(body);
  if (body instanceof TokenBody) return `{"st":${body.st},"tkn":${body.tkn}}`;
  return CONSTANT_TEXT.get(body) ?? encode(body);
}

/**
 * `{"keys":{…},"st":1}` with a prototype-less `keys` (names from users) written member by member:
 * `encode` would walk the whole body for exact numbers and then hand it to `JSON.stringify`, which
 * takes its slow path on a dictionary object (SH_GET of two keys: ~550 → ~300 ns). The same text:
 * members in their own order, absent ones left out, each value as `encode` writes it.
 */
function encodeKeysBody(body: KeysBody): string {
  const keys = body.keys as Record<string, unknown>;
  if (typeof keys !== 'object' || keys === null || Object.getPrototypeOf(keys) !== null) return encode(body);
  let text = '{"keys":{';
  let first = true;
  for (const name in keys) {
    const value = keys[name];
    if (value === undefined) continue;
    text += (first ? '' : ',') + JSON.stringify(name) + ':' + encode(value);
    first = false;
  }
  return text + '},"st":' + body.st + '}';
}

/** The answer to a name that is no command (or one switched off with the extensions). */
export function unknownCommand(name: string, body: unknown): Reply {
  const responseName = `${name}_RSP`;
  // The body is checked before the name (§3 steps 4–6); each family answers "no such command"
  // in its own envelope, and upstream's cached-name defect (§14 D1) is not reproduced.
  if (!isJsonObject(body)) return new Reply(responseName, SYNTAX_BODY, ERR_COMMAND);
  const underscore = name.indexOf('_');
  if (underscore < 0) return new Reply(responseName, SYNTAX_BODY, ERR_COMMAND);
  if (name.slice(0, underscore) === 'KV') return KV_NOT_EXIST;
  return new Reply(responseName, NOT_EXIST_BODY, ERR_COMMAND);
}

/** An exception inside a command: KV answers `ERR` 1000, SH and SV their own form A (§3 step 7). */
export function failureReply(route: Route): Reply {
  return route.definition.family === 'KV' ? KV_FAILED : routeReply(route, FAILED_BODY);
}
