// The two error shapes of the wire (docs/reference/protocol.md §2.3), built in one place for the
// engine and the transport; the zod schemas of the root entry (`errorBody`, `errEnvelope`) check
// the same shapes on the receiving side.

/** The name of the envelope for errors that belong to no command (binary frame, bad JSON, …). */
export const ERR = 'ERR';

/** Error form A, the body of `<CMD>_RSP`: `{"m":…,"st":…,"tkn":null}`. */
export function errorReplyBody(st: number, m = ''): { m: string; st: number; tkn: null } {
  return { m, st, tkn: null };
}

/** The `ERR` envelope, for requests that name no command: `{"ERR":{"m":…,"st":…}}`. */
export function errEnvelopeOf(st: number, m = ''): { [ERR]: { m: string; st: number } } {
  return { [ERR]: { m, st } };
}
