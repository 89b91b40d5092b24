import { z } from 'zod';
import { errorBody } from './envelope.js';
import { reportProtocolIssue } from './issues.js';
import { jsonArray, jsonObject, jsonValue, stIs } from './primitives.js';
import { saveResponse } from './sh.js';
import { Status } from '../status.js';

/*
 * KV commands: the global key map (docs/reference/protocol.md §10). `tkn` is ignored by every KV command (§13 C4).
 * Unknown members are ignored.
 */

const okBody = z.object({ st: stIs(Status.Ok) });
const countBody = z.object({ cnt: z.number().int().nonnegative(), st: stIs(Status.Ok) });
const clearFailedBody = z.object({ cnt: z.literal(0), st: stIs(Status.Unknown) });

export const kvSetRequest = z.looseObject({ keys: jsonObject });
export const kvSetResponse = z.union([okBody, errorBody]);

export const kvAddRequest = kvSetRequest;
export const kvAddResponse = kvSetResponse;

/** KV_GET: items of `keys` that are not strings are ignored; absent keys are left out of the reply. */
export const kvGetRequest = z.looseObject({ keys: jsonArray });
export const kvGetResponse = z.union([z.object({ keys: jsonObject, st: stIs(Status.Ok) }), errorBody]);

/** KV_RMV: `keys` must not be empty (42, `m` = `"keys"`). */
export const kvRmvRequest = z.looseObject({ keys: jsonArray }).superRefine((body, ctx) => {
  if (body.keys.length === 0) reportProtocolIssue(ctx, 'keys', Status.ValueSize, 'keys');
});
export const kvRmvResponse = z.union([okBody, errorBody]);

export const kvClearRequest = z.looseObject({});
export const kvClearResponse = z.union([countBody, clearFailedBody]);

export const kvCountRequest = z.looseObject({});
export const kvCountResponse = countBody;

export const kvContainsRequest = z.looseObject({ keys: jsonArray });
export const kvContainsResponse = z.union([z.object({ contains: z.array(z.string()), st: stIs(Status.Ok) }), errorBody]);

export const kvKeysRequest = z.looseObject({});
export const kvKeysResponse = z.object({ keys: z.array(z.string()), st: stIs(Status.Ok) });

export const kvClearSetRequest = z.looseObject({ keys: jsonObject });
export const kvClearSetResponse = z.union([countBody, clearFailedBody, errorBody]);

/** What KV_FIND returns for each match: key names, JSONPath locations, or whole key/value pairs. */
export const KV_FIND_RESULTS = ['keys', 'paths', 'kv'] as const;
export type KvFindResult = (typeof KV_FIND_RESULTS)[number];

/** KV_FIND: a JSONPath evaluated against each key's value (all keys when `keys` is absent or empty). */
export const kvFindRequest = z
  .looseObject({ keys: jsonArray.optional(), path: z.string(), rsp: z.string() })
  .superRefine((body, ctx) => {
    if (body.path === '') reportProtocolIssue(ctx, 'path', Status.ValueSize, "'path' is empty");
    else if (!(KV_FIND_RESULTS as readonly string[]).includes(body.rsp)) {
      reportProtocolIssue(ctx, 'rsp', Status.CommandSyntax, "'rsp' invalid value");
    }
  })
  .transform((body) => ({ ...body, rsp: body.rsp as KvFindResult }));
export const kvFindResponse = z.union([
  z.object({ keys: z.array(z.string()), st: stIs(Status.Ok) }),
  z.object({ paths: z.array(z.string()), st: stIs(Status.Ok) }),
  z.object({ keys: jsonObject, st: stIs(Status.Ok) }),
  z.object({ st: stIs(Status.PathInvalid) }),
  errorBody,
]);

/** KV_UPDATE: replace every node `path` selects inside the value of `key` (`$` is the whole value). */
export const kvUpdateRequest = z.looseObject({ key: z.string(), path: z.string(), value: jsonValue });
export const kvUpdateResponse = z.union([
  z.object({ cnt: z.number().int().nonnegative(), st: stIs(Status.Ok) }),
  z.object({ cnt: z.literal(0), st: stIs(Status.KeyNotExist) }),
  errorBody,
]);

/** KV_ARR_APPEND: append `items` to the array at `key` (or at member `name` of its object value). */
export const kvArrAppendRequest = z.looseObject({ items: jsonArray, key: z.string(), name: z.string().optional() });
export const kvArrAppendResponse = z.union([
  okBody,
  /** 22: no such key; 1000: the target is not an array (or `name` is not a member). */
  z.object({ st: z.union([stIs(Status.KeyNotExist), stIs(Status.Unknown)]) }),
  errorBody,
]);

export const kvSaveRequest = z.looseObject({ name: z.string() });
export const kvSaveResponse = saveResponse;

export const kvLoadRequest = z.looseObject({ name: z.string() });
/** KV_LOAD replies: `sessions` is always 0; `duration` is milliseconds spent loading. */
export const kvLoadResponse = z.union([
  z.object({
    duration: z.number().nonnegative(),
    keys: z.number().int().nonnegative(),
    name: z.string(),
    sessions: z.literal(0),
    st: z.union([stIs(Status.LoadComplete), stIs(Status.Loading), stIs(Status.LoadError)]),
  }),
  z.object({ name: z.string(), st: stIs(Status.LoadError) }),
  errorBody,
]);
