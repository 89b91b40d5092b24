import type { CommandTable } from './command.js';
import * as kv from './kv.js';
import * as persist from './persist.js';
import * as sh from './sh.js';
import { SV_INFO } from './sv.js';

/** Every command (v0.7.4's and the extensions) and where it is executed. The type makes a missing one a compile error. */
export const COMMAND_TABLE: CommandTable = {
  SV_INFO,
  SH_NEW: sh.SH_NEW,
  SH_OPEN: sh.SH_OPEN,
  SH_END: sh.SH_END,
  SH_SET_EXPIRY: sh.SH_SET_EXPIRY,
  SH_END_ALL: sh.SH_END_ALL,
  SH_EXISTS: sh.SH_EXISTS,
  SH_INFO: sh.SH_INFO,
  SH_INFO_ALL: sh.SH_INFO_ALL,
  SH_SAVE: persist.SH_SAVE,
  SH_LOAD: persist.SH_LOAD,
  SH_SET: sh.SH_SET,
  SH_ADD: sh.SH_ADD,
  SH_GET: sh.SH_GET,
  SH_RMV: sh.SH_RMV,
  SH_CLEAR: sh.SH_CLEAR,
  SH_COUNT: sh.SH_COUNT,
  SH_CONTAINS: sh.SH_CONTAINS,
  SH_KEYS: sh.SH_KEYS,
  SH_CLEAR_SET: sh.SH_CLEAR_SET,
  KV_SET: kv.KV_SET,
  KV_ADD: kv.KV_ADD,
  KV_GET: kv.KV_GET,
  KV_RMV: kv.KV_RMV,
  KV_CLEAR: kv.KV_CLEAR,
  KV_COUNT: kv.KV_COUNT,
  KV_CONTAINS: kv.KV_CONTAINS,
  KV_KEYS: kv.KV_KEYS,
  KV_CLEAR_SET: kv.KV_CLEAR_SET,
  KV_FIND: kv.KV_FIND,
  KV_UPDATE: kv.KV_UPDATE,
  KV_ARR_APPEND: kv.KV_ARR_APPEND,
  KV_SAVE: persist.KV_SAVE,
  KV_LOAD: persist.KV_LOAD,
};
