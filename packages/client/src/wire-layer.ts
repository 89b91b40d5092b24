// @nemesisdb/client/wire — the SDK's WebSocket layer without the client: the standard-API wire
// (token as a query parameter, text in and out) and the reconnect backoff. No protocol import, so
// no zod: for pages that speak the wire themselves (the web console sends requests exactly as
// typed) but should open and re-open connections the way the SDK does.

export {
  standardWireFactory,
  withTokenParameter,
  type AccessOptions,
  type StandardWebSocket,
  type Wire,
  type WireFactory,
  type WireHandlers,
  type WebSocketConstructor,
} from './wire.js';
export { DEFAULT_RECONNECT, reconnectDelay, reconnectPolicy, type ReconnectOptions, type ReconnectPolicy } from './backoff.js';
