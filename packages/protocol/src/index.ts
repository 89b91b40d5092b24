// @nemesisdb/protocol — the NemesisDB v0.7.4 wire protocol: statuses, the shapes of every request
// and response (zod), and the lossless JSON codec. No I/O.

// The schema-free part (codec and statuses) is the `./codec` entry; the root adds the schemas.
export * from './codec.js';

export {
  COMMAND_NAMES,
  EXTENSION_COMMANDS,
  TOKEN_COMMANDS,
  commandFamily,
  commands,
  isCommandName,
  type CommandName,
  type RequestBody,
  type RequestInput,
  type ResponseBody,
} from './schemas/commands.js';
export {
  disabledBody,
  errBody,
  errEnvelope,
  errorBody,
  requestEnvelope,
  responseName,
  type DisabledBody,
  type ErrBody,
  type ErrEnvelope,
  type ErrorBody,
} from './schemas/envelope.js';
export { protocolIssueParams, reportProtocolIssue, type ProtocolIssueParams } from './schemas/issues.js';
export {
  MAX_UINT64,
  jsonArray,
  jsonObject,
  jsonValue,
  readToken,
  responseToken,
  sessionToken,
  uint64,
  type UInt64,
} from './schemas/primitives.js';
export { MISSING_PARAMETER, PARAM_TYPE_INCORRECT, checkRequest, type RequestCheck, type RequestRejection } from './schemas/validate.js';
// One schema style: each command's request and response schemas are reached through `commands`
// (`commands.SH_NEW.request`); the few shared parts are the named exports below.
export { KV_FIND_RESULTS, type KvFindResult } from './schemas/kv.js';
export { EMPTY_NAME, sessionExpiry, sharedSessionName, shInfoExpiry, type SessionExpiry, type ShInfoExpiry } from './schemas/sh.js';
