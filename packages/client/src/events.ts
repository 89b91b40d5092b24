import type { ConnectionError, ProtocolError } from './errors.js';

/** Payload of the `connect` event. */
export interface ConnectEvent {
  /** The server URL. */
  url: string;
  /** `false` for the first connection, `true` after a reconnect. */
  reconnected: boolean;
}

/** Payload of the `disconnect` event. */
export interface DisconnectEvent {
  /** The server URL. */
  url: string;
  /** The WebSocket close code: 1000 after `close()`, 1001 when the server shuts down, 1006 when the connection broke. */
  code: number;
  /** The close reason, often empty. */
  reason: string;
  /** Whether the client will try to reconnect. */
  willReconnect: boolean;
}

/** Payload of the `reconnecting` event. */
export interface ReconnectingEvent {
  /** The server URL. */
  url: string;
  /** Which attempt this is, from 1. */
  attempt: number;
  /** How long the client waits before it, in ms. */
  delayMs: number;
}

/**
 * The events of a {@link NemesisClient}, for `client.on(event, listener)`:
 *
 * | event | when |
 * |---|---|
 * | `connect` | a connection is open (first one and after each reconnect) |
 * | `disconnect` | the connection closed; requests in flight have been rejected |
 * | `reconnecting` | a reconnect attempt is scheduled |
 * | `error` | a reconnect attempt failed, or the server sent something unreadable |
 * | `close` | the client is closed for good (`close()`, reconnect off, or attempts exhausted) |
 *
 * An `error` without a listener is ignored (unlike Node's EventEmitter): every request that an
 * error affects is rejected anyway.
 */
export interface ClientEvents {
  connect: [event: ConnectEvent];
  disconnect: [event: DisconnectEvent];
  reconnecting: [event: ReconnectingEvent];
  error: [error: ConnectionError | ProtocolError];
  close: [];
}
