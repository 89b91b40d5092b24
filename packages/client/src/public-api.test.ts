import { exportNames } from '@nemesisdb/test-utils';
import { describe, expect, it } from 'vitest';

// What users may import, per entry. A change to a list is a change to the SDK's public API:
// review it, update docs/api.md, and write a changeset.
describe('@nemesisdb/client public API', () => {
  it('the root entry (and ./browser, ./global, built from the same module)', () => {
    expect(exportNames(new URL('./index.ts', import.meta.url))).toMatchInlineSnapshot(`
      [
        "type AccessOptions",
        "type ArrAppendOptions",
        "type ClientEvents",
        "type ClientOptions",
        "type ClientStatus",
        "type CloseOptions",
        "type CommandName",
        "type ConnectEvent",
        "ConnectionError",
        "type ConnectionErrorDetails",
        "type ConnectionFailure",
        "type CreateSessionOptions",
        "type DisconnectEvent",
        "type FindOptions",
        "type FoundValues",
        "isSessionToken",
        "type JsonObject",
        "type JsonValue",
        "type KeyValues",
        "KeyValueStore",
        "type KvLoadResult",
        "NemesisClient",
        "NemesisError",
        "ProtocolError",
        "type ReconnectingEvent",
        "type ReconnectOptions",
        "type RequestInput",
        "type RequestOptions",
        "type ResponseBody",
        "type SaveResult",
        "type SaveSessionsOptions",
        "ServerCommands",
        "type ServerInfo",
        "Session",
        "type SessionExpiryInfo",
        "type SessionInfo",
        "type SessionLoadResult",
        "Sessions",
        "type SessionToken",
        "type SessionTotals",
        "type StandardWebSocket",
        "Status",
        "type StatusCode",
        "statusName",
        "type StatusName",
        "type SuccessBody",
        "type SuccessStatus",
        "type TokenLike",
        "toSessionToken",
        "type WebSocketConstructor",
      ]
    `);
  });

  it('./wire: the wire layer alone', () => {
    expect(exportNames(new URL('./wire-layer.ts', import.meta.url))).toMatchInlineSnapshot(`
      [
        "type AccessOptions",
        "DEFAULT_RECONNECT",
        "reconnectDelay",
        "type ReconnectOptions",
        "reconnectPolicy",
        "type ReconnectPolicy",
        "type StandardWebSocket",
        "standardWireFactory",
        "type WebSocketConstructor",
        "type Wire",
        "type WireFactory",
        "type WireHandlers",
        "withTokenParameter",
      ]
    `);
  });
});
