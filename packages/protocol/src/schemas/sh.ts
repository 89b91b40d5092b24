import { z } from 'zod';
import { disabledBody, errorBody } from './envelope.js';
import { reportProtocolIssue } from './issues.js';
import { jsonArray, jsonObject, readToken, responseToken, sessionToken, stIs, uint64 } from './primitives.js';
import { Status } from '../status.js';

/*
 * SH commands: sessions (docs/reference/protocol.md §9). Request bodies ignore unknown members (`looseObject`),
 * except SH_INFO, which must have exactly one. A missing or invalid `tkn` is answered with
 * SessionNotExist (100), never ParamMissing/ValueTypeInvalid, and only once the command's own
 * parameters have passed their checks: `checkRequest` applies that order.
 */

/** The `tkn` member alone. */
const tokenMember = z.looseObject({ tkn: sessionToken });

// ---------------------------------------------------------------------------------- SH_NEW

/** `expiry` of SH_NEW: `duration` in seconds (0 = never expires) and three flags (default false). */
export const sessionExpiry = z.looseObject({
  deleteSession: z.boolean().optional(),
  duration: uint64,
  extendOnGet: z.boolean().optional(),
  extendOnSetAdd: z.boolean().optional(),
});
export type SessionExpiry = z.infer<typeof sessionExpiry>;

/**
 * SH_NEW. In v0.7.4 `name` and `shared` are accepted and ignored (§13 C1, C2), so this schema
 * leaves them unchecked: they matter only with `shared: true` on a server with extensions on, and
 * then {@link sharedSessionName} checks `name` (the engine applies it, since only the engine knows
 * whether extensions are on).
 */
export const shNewRequest = z.looseObject({
  expiry: sessionExpiry.optional(),
  /** The shared session's name (extension); ignored unless `shared` is `true`. */
  name: z.unknown().optional(),
  /** `true` creates a shared session (extension); any other value is ignored, as in v0.7.4. */
  shared: z.unknown().optional(),
});
export const shNewResponse = z.union([
  // A shared session (extension): created, or the live one that already has the name.
  z.object({ name: z.string(), st: stIs(Status.Ok), tkn: responseToken }),
  z.object({ name: z.string(), st: stIs(Status.SessionNewFail), tkn: responseToken }),
  z.object({ st: stIs(Status.Ok), tkn: responseToken }),
  z.object({ st: stIs(Status.SessionNewFail), tkn: responseToken }),
  errorBody,
]);

/** The `m` of status 42 for an empty shared-session name (SH_NEW with `shared: true`, SH_OPEN). */
export const EMPTY_NAME = "'name' empty";

/**
 * The name of the shared session an SH_NEW body asks for (extension), once `expiry` passed its
 * checks: `undefined` when the body does not ask for one (`shared` is not `true`: a v0.7.4
 * session, the name ignored), the name, or the rejection — `name` missing 26, not a string 41,
 * empty 42 (parameters in alphabetical order: `expiry`, `name`, `shared`).
 */
export function sharedSessionName(body: { name?: unknown; shared?: unknown }): string | { st: number; m: string } | undefined {
  if (body.shared !== true) return undefined;
  const name = body.name;
  if (name === undefined) return { st: Status.ParamMissing, m: 'Missing parameter' };
  if (typeof name !== 'string') return { st: Status.ValueTypeInvalid, m: 'Param type incorrect' };
  if (name === '') return { st: Status.ValueSize, m: EMPTY_NAME };
  return name;
}

// --------------------------------------------------------------------------------- SH_OPEN

/**
 * SH_OPEN (extension, from v0.6): the token of the live shared session with this name. Not a
 * v0.7.4 command: a server with extensions off answers it 10 before looking at the body.
 */
export const shOpenRequest = z.looseObject({ name: z.string() }).superRefine((body, ctx) => {
  if (body.name === '') reportProtocolIssue(ctx, 'name', Status.ValueSize, EMPTY_NAME);
});
export const shOpenResponse = z.union([
  z.object({ st: stIs(Status.Ok), tkn: responseToken }),
  z.object({ st: stIs(Status.SessionOpenFail), tkn: z.null() }),
  errorBody,
]);

// --------------------------------------------------------------------------- SH_SET_EXPIRY

/**
 * SH_SET_EXPIRY (extension): gives a live session new expiry settings in place, read as SH_NEW
 * reads its `expiry` (duration 0: never expires), with a new period starting now. The token, the
 * keys and a shared session's name stay. Not a v0.7.4 command: a server with extensions off
 * answers it 10 before looking at the body.
 */
export const shSetExpiryRequest = z.looseObject({ expiry: sessionExpiry, tkn: sessionToken });
export const shSetExpiryResponse = z.union([
  z.object({ st: z.union([stIs(Status.Ok), stIs(Status.SessionNotExist)]), tkn: responseToken }),
  errorBody,
]);

// ---------------------------------------------------------------------------------- SH_END

export const shEndRequest = tokenMember;
export const shEndResponse = z.union([
  z.object({ st: z.union([stIs(Status.Ok), stIs(Status.SessionNotExist)]), tkn: responseToken }),
  errorBody,
]);

// ------------------------------------------------------------------------------ SH_END_ALL

export const shEndAllRequest = z.looseObject({});
export const shEndAllResponse = z.object({ cnt: z.number().int().nonnegative(), st: stIs(Status.Ok) });

// ------------------------------------------------------------------------------- SH_EXISTS

/** SH_EXISTS: items of `tkns` that are not tokens are ignored (not an error). */
export const shExistsRequest = z.looseObject({ tkns: jsonArray });
export const shExistsResponse = z.union([z.object({ exist: z.array(responseToken), st: stIs(Status.Ok) }), errorBody]);

// --------------------------------------------------------------------------------- SH_INFO

/** SH_INFO: the body must have exactly one member (13 otherwise, checked before `tkn`). */
export const shInfoRequest = z
  .looseObject({})
  .superRefine((body, ctx) => {
    if (Object.keys(body).length !== 1) reportProtocolIssue(ctx, null, Status.CommandSyntax, '');
  })
  .pipe(tokenMember);

export const shInfoExpiry = z.object({
  deleteSession: z.boolean(),
  duration: uint64,
  extendOnGet: z.boolean(),
  extendOnSetAdd: z.boolean(),
  /** Whole seconds until expiry, truncated toward zero. */
  remaining: z.number().int(),
});
export type ShInfoExpiry = z.infer<typeof shInfoExpiry>;

export const shInfoResponse = z.union([
  z.object({
    expires: z.literal(false),
    keyCnt: z.number().int().nonnegative(),
    shared: z.boolean(),
    st: stIs(Status.Ok),
    tkn: responseToken,
  }),
  z.object({
    expires: z.literal(true),
    expiry: shInfoExpiry,
    keyCnt: z.number().int().nonnegative(),
    shared: z.boolean(),
    st: stIs(Status.Ok),
    tkn: responseToken,
  }),
  z.object({ keyCnt: z.null(), shared: z.null(), st: stIs(Status.SessionNotExist), tkn: responseToken }),
  errorBody,
]);

// ----------------------------------------------------------------------------- SH_INFO_ALL

export const shInfoAllRequest = z.looseObject({});
export const shInfoAllResponse = z.object({
  st: stIs(Status.Ok),
  totalKeys: z.number().int().nonnegative(),
  totalSessions: z.number().int().nonnegative(),
});

// --------------------------------------------------------------------------------- SH_SAVE

/** SH_SAVE: `tkns`, when present, must be a non-empty array of tokens; absent saves every session. */
export const shSaveRequest = z
  .looseObject({ name: z.string(), tkns: jsonArray.optional() })
  .superRefine((body, ctx) => {
    if (body.tkns === undefined) return;
    if (body.tkns.length === 0) {
      reportProtocolIssue(ctx, 'tkns', Status.ValueSize, "'tkns' empty");
    } else if (!body.tkns.every((item) => readToken(item) !== undefined)) {
      reportProtocolIssue(ctx, 'tkns', Status.ValueTypeInvalid, "'tkns' contains invalid token");
    }
  })
  .transform((body) => ({ ...body, tkns: body.tkns?.map((item) => readToken(item)!) }));

/** SAVE replies (SH_SAVE and KV_SAVE share them). `duration` is milliseconds spent writing. */
export const saveResponse = z.union([
  z.object({ duration: z.number().nonnegative(), name: z.string(), st: stIs(Status.SaveComplete) }),
  z.object({ name: z.string(), st: stIs(Status.SaveDirWriteFail) }),
  z.object({ duration: z.number().nonnegative().optional(), name: z.string(), st: stIs(Status.SaveError) }),
  disabledBody,
  errorBody,
]);
export const shSaveResponse = saveResponse;

// --------------------------------------------------------------------------------- SH_LOAD

export const shLoadRequest = z.looseObject({ name: z.string() });
/** SH_LOAD replies: exactly `st, name, sessions, keys` on success (upstream's test compares them). */
export const shLoadResponse = z.union([
  z.strictObject({
    keys: z.number().int().nonnegative(),
    name: z.string(),
    sessions: z.number().int().nonnegative(),
    st: z.union([stIs(Status.LoadComplete), stIs(Status.LoadError)]),
  }),
  z.object({ name: z.string(), st: stIs(Status.LoadError) }),
  errorBody,
]);

// ---------------------------------------------------------------------- SH key commands

const okBody = z.object({ st: stIs(Status.Ok) });
const countBody = z.object({ cnt: z.number().int().nonnegative(), st: stIs(Status.Ok) });

export const shSetRequest = z.looseObject({ keys: jsonObject, tkn: sessionToken });
export const shSetResponse = z.union([okBody, errorBody]);

export const shAddRequest = shSetRequest;
export const shAddResponse = shSetResponse;

export const shGetRequest = z.looseObject({ keys: jsonArray, tkn: sessionToken });
export const shGetResponse = z.union([z.object({ keys: jsonObject, st: stIs(Status.Ok) }), errorBody]);

/** SH_RMV: `keys` must not be empty (42, `m` = `"keys"`). */
export const shRmvRequest = z.looseObject({ keys: jsonArray, tkn: sessionToken }).superRefine((body, ctx) => {
  if (body.keys.length === 0) reportProtocolIssue(ctx, 'keys', Status.ValueSize, 'keys');
});
export const shRmvResponse = z.union([okBody, errorBody]);

export const shClearRequest = tokenMember;
export const shClearResponse = z.union([countBody, z.object({ cnt: z.literal(0), st: stIs(Status.Unknown) }), errorBody]);

export const shCountRequest = tokenMember;
export const shCountResponse = z.union([countBody, errorBody]);

export const shContainsRequest = z.looseObject({ keys: jsonArray, tkn: sessionToken });
export const shContainsResponse = z.union([z.object({ contains: z.array(z.string()), st: stIs(Status.Ok) }), errorBody]);

export const shKeysRequest = tokenMember;
export const shKeysResponse = z.union([z.object({ keys: z.array(z.string()), st: stIs(Status.Ok) }), errorBody]);

export const shClearSetRequest = z.looseObject({ keys: jsonObject, tkn: sessionToken });
export const shClearSetResponse = shClearResponse;
