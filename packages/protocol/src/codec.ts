// @nemesisdb/protocol/codec — the schema-free part of the protocol: the lossless JSON codec and
// the status table. No zod: for pages and tools that read and write the wire but never validate
// requests (the web console bundles this entry, not the package's root, and stays small).

export { decode, type DecodeOptions } from './codec/decode.js';
export { encode } from './codec/encode.js';
export { ERR, errEnvelopeOf, errorReplyBody } from './codec/error-replies.js';
export { JsonDecodeError, MAX_NESTING_DEPTH, type JsonDecodeFailure } from './codec/errors.js';
export {
  JsonDouble,
  formatDouble,
  isJsonObject,
  type ExactJsonObject,
  type ExactJsonValue,
  type JsonObject,
  type JsonPrimitive,
  type JsonValue,
} from './codec/json-value.js';
export { MAX_PAYLOAD_HEADER } from './handshake.js';
export { STATUS_MEANINGS, Status, isSuccess, statusName, type StatusCode, type StatusName } from './status.js';
