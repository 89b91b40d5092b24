import type { z } from 'zod';
import * as kv from './kv.js';
import * as sh from './sh.js';
import * as sv from './sv.js';

/**
 * Every command of NemesisDB v0.7.4, and our extensions (see {@link EXTENSION_COMMANDS}), with the
 * schema of its request body and of its response body (the body inside `{"<CMD>_RSP": …}`). This
 * table is the one place the wire shapes are written.
 */
export const commands = {
  SV_INFO: { request: sv.svInfoRequest, response: sv.svInfoResponse },

  SH_NEW: { request: sh.shNewRequest, response: sh.shNewResponse },
  SH_OPEN: { request: sh.shOpenRequest, response: sh.shOpenResponse },
  SH_END: { request: sh.shEndRequest, response: sh.shEndResponse },
  SH_SET_EXPIRY: { request: sh.shSetExpiryRequest, response: sh.shSetExpiryResponse },
  SH_END_ALL: { request: sh.shEndAllRequest, response: sh.shEndAllResponse },
  SH_EXISTS: { request: sh.shExistsRequest, response: sh.shExistsResponse },
  SH_INFO: { request: sh.shInfoRequest, response: sh.shInfoResponse },
  SH_INFO_ALL: { request: sh.shInfoAllRequest, response: sh.shInfoAllResponse },
  SH_SAVE: { request: sh.shSaveRequest, response: sh.shSaveResponse },
  SH_LOAD: { request: sh.shLoadRequest, response: sh.shLoadResponse },
  SH_SET: { request: sh.shSetRequest, response: sh.shSetResponse },
  SH_ADD: { request: sh.shAddRequest, response: sh.shAddResponse },
  SH_GET: { request: sh.shGetRequest, response: sh.shGetResponse },
  SH_RMV: { request: sh.shRmvRequest, response: sh.shRmvResponse },
  SH_CLEAR: { request: sh.shClearRequest, response: sh.shClearResponse },
  SH_COUNT: { request: sh.shCountRequest, response: sh.shCountResponse },
  SH_CONTAINS: { request: sh.shContainsRequest, response: sh.shContainsResponse },
  SH_KEYS: { request: sh.shKeysRequest, response: sh.shKeysResponse },
  SH_CLEAR_SET: { request: sh.shClearSetRequest, response: sh.shClearSetResponse },

  KV_SET: { request: kv.kvSetRequest, response: kv.kvSetResponse },
  KV_ADD: { request: kv.kvAddRequest, response: kv.kvAddResponse },
  KV_GET: { request: kv.kvGetRequest, response: kv.kvGetResponse },
  KV_RMV: { request: kv.kvRmvRequest, response: kv.kvRmvResponse },
  KV_CLEAR: { request: kv.kvClearRequest, response: kv.kvClearResponse },
  KV_COUNT: { request: kv.kvCountRequest, response: kv.kvCountResponse },
  KV_CONTAINS: { request: kv.kvContainsRequest, response: kv.kvContainsResponse },
  KV_KEYS: { request: kv.kvKeysRequest, response: kv.kvKeysResponse },
  KV_CLEAR_SET: { request: kv.kvClearSetRequest, response: kv.kvClearSetResponse },
  KV_FIND: { request: kv.kvFindRequest, response: kv.kvFindResponse },
  KV_UPDATE: { request: kv.kvUpdateRequest, response: kv.kvUpdateResponse },
  KV_ARR_APPEND: { request: kv.kvArrAppendRequest, response: kv.kvArrAppendResponse },
  KV_SAVE: { request: kv.kvSaveRequest, response: kv.kvSaveResponse },
  KV_LOAD: { request: kv.kvLoadRequest, response: kv.kvLoadResponse },
} as const;

/** The name of a command: one of v0.7.4's, e.g. `'SH_NEW'`, or an extension (`'SH_OPEN'`). */
export type CommandName = keyof typeof commands;

/**
 * Commands that are not in v0.7.4 (extensions: shared sessions, from v0.6, and a live session's
 * expiry changed in place). A server with extensions off (`--no-extensions`) answers them as
 * v0.7.4 does: status 10.
 */
export const EXTENSION_COMMANDS: ReadonlySet<CommandName> = new Set<CommandName>(['SH_OPEN', 'SH_SET_EXPIRY']);

/** Every command name, in the order of the table above. */
export const COMMAND_NAMES = Object.keys(commands) as CommandName[];

/** The request body of a command as it is written (e.g. tokens as numbers or strings). */
export type RequestInput<C extends CommandName> = z.input<(typeof commands)[C]['request']>;

/** The request body of a command once checked (tokens as `bigint`). */
export type RequestBody<C extends CommandName> = z.output<(typeof commands)[C]['request']>;

/** The response body of a command once parsed (tokens as `bigint`). */
export type ResponseBody<C extends CommandName> = z.output<(typeof commands)[C]['response']>;

/** Whether `name` is a command: one of v0.7.4's or an extension ({@link EXTENSION_COMMANDS}). */
export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commands, name);
}

/**
 * The command family a name belongs to, by its prefix (the text before the first `_`), as the
 * server dispatches it (docs/reference/protocol.md §3). `SV` covers only `SV_INFO`; other names have no family.
 */
export function commandFamily(name: string): 'SH' | 'KV' | 'SV' | undefined {
  const prefix = name.slice(0, name.indexOf('_'));
  if (prefix === 'SH' || prefix === 'KV') return prefix;
  return name === 'SV_INFO' ? 'SV' : undefined;
}

/** SH commands that take `tkn`: an invalid or unknown token answers SessionNotExist (100). */
export const TOKEN_COMMANDS: ReadonlySet<CommandName> = new Set<CommandName>([
  'SH_END',
  'SH_SET_EXPIRY',
  'SH_INFO',
  'SH_SET',
  'SH_ADD',
  'SH_GET',
  'SH_RMV',
  'SH_CLEAR',
  'SH_COUNT',
  'SH_CONTAINS',
  'SH_KEYS',
  'SH_CLEAR_SET',
]);
