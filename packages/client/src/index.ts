// @nemesisdb/client — the NemesisDB SDK for Node and browsers: sessions, independent keys, exact
// 64-bit tokens and integers, many requests in flight on one connection, reconnects.

export { NemesisClient, type ClientOptions, type CloseOptions } from './client.js';
export type { ClientStatus } from './transport.js';
export type { ClientEvents, ConnectEvent, DisconnectEvent, ReconnectingEvent } from './events.js';
export type { ReconnectOptions } from './backoff.js';
export type { RequestOptions, SuccessBody, SuccessStatus } from './command.js';

export {
  Session,
  Sessions,
  type CreateSessionOptions,
  type ExpiryOptions,
  type SaveSessionsOptions,
  type SessionExpiryInfo,
  type SessionInfo,
  type SessionLoadResult,
  type SessionTotals,
} from './sessions.js';
export { KeyValueStore, type ArrAppendOptions, type FindOptions, type KvLoadResult } from './kv.js';
export { ServerCommands, type ServerInfo } from './server-commands.js';
export type { FoundValues, KeyValues, SaveResult } from './values.js';

export { isSessionToken, toSessionToken, type SessionToken, type TokenLike } from './token.js';
export { ConnectionError, NemesisError, ProtocolError, type ConnectionErrorDetails, type ConnectionFailure } from './errors.js';
export type { AccessOptions, StandardWebSocket, WebSocketConstructor } from './wire.js';

// The protocol's names and types users meet in replies and errors, so they need no second import.
export {
  Status,
  statusName,
  type CommandName,
  type JsonObject,
  type JsonValue,
  type RequestInput,
  type ResponseBody,
  type StatusCode,
  type StatusName,
} from '@nemesisdb/protocol';
