/*
 * The one thing the transport needs from a WebSocket: open it, send text, get text and the close.
 * Two implementations: the standard (WHATWG) API that browsers, undici and custom constructors
 * offer, and `ws`'s own event API in Node (no event objects built per message, the hot path of
 * pipelined requests). Which one is used by default is decided per build (see
 * default-websocket.ts and default-websocket.browser.ts).
 */

/** What a wire reports to its owner. Exactly one `close` follows every wire, opened or not. */
export interface WireHandlers {
  open(): void;
  /** A text message. */
  message(text: string): void;
  /** A binary message (the server never sends one). */
  binary(): void;
  /** An error the socket reported; the `close` that follows is what ends the wire. */
  error(error: unknown): void;
  close(code: number, reason: string): void;
}

/** An open (or opening) WebSocket, reduced to what the transport uses. */
export interface Wire {
  send(text: string): void;
  /**
   * Why `text` must not be sent on this wire, if so: larger than the server said it reads (see
   * MAX_PAYLOAD_HEADER). Absent, or undefined, when it can be sent (or the limit is not known).
   */
  refuses?(text: string): Error | undefined;
  /** Starts a clean close handshake. */
  close(code: number, reason: string): void;
  /** Drops the connection at once (used when an open or a close takes too long). */
  terminate(): void;
}

/** Opens a wire to `url`; its events arrive through `handlers`. */
export type WireFactory = (url: string, handlers: WireHandlers) => Wire;

// Handler properties are declared as methods so that implementations with more specific event
// types (`ws`, the DOM's) are assignable: methods are checked bivariantly.
interface StandardHandlers {
  onopen(event: unknown): void;
  onmessage(event: { data: unknown }): void;
  onerror(event: unknown): void;
  onclose(event: { code: number; reason: string }): void;
}

/**
 * The part of the standard WebSocket API the client uses. The browser's `WebSocket`, `ws`'s
 * `WebSocket` and undici's all have it.
 */
export interface StandardWebSocket {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** How binary messages are delivered; the client sets `'arraybuffer'`. */
  binaryType: string;
  /** Called once the connection is open. */
  onopen: StandardHandlers['onopen'] | null;
  /** Called for each message; `data` is a string for text messages. */
  onmessage: StandardHandlers['onmessage'] | null;
  /** Called when the connection fails; a close follows. */
  onerror: StandardHandlers['onerror'] | null;
  /** Called once when the connection is closed, with the close code and reason. */
  onclose: StandardHandlers['onclose'] | null;
  /** Sends a text message. */
  send(data: string): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
}

/** A WebSocket class with the standard API, e.g. `globalThis.WebSocket` or `ws`'s `WebSocket`. */
export type WebSocketConstructor = new (url: string) => StandardWebSocket;

/** How a client proves who it is to a server that requires it (see the server's `authTokens`). */
export interface AccessOptions {
  /** A bearer token: sent as `Authorization: Bearer` in Node, as a `token` query parameter by browsers. */
  token?: string;
  /** Node only: TLS settings for `wss://` (a private CA's certificate, or `rejectUnauthorized`). */
  tls?: { ca?: string | Buffer | (string | Buffer)[]; rejectUnauthorized?: boolean };
}

/**
 * The URL with `token` as a query parameter: the way a browser WebSocket, which cannot set
 * headers, presents a token. Everything else about the URL is kept.
 */
export function withTokenParameter(url: string, token: string | undefined): string {
  if (token === undefined) return url;
  const parsed = new URL(url);
  parsed.searchParams.set('token', token);
  return parsed.toString();
}

/** A {@link WireFactory} over any WebSocket class with the standard API. */
export function standardWireFactory(WebSocketClass: WebSocketConstructor, access: AccessOptions = {}): WireFactory {
  return (url, handlers) => {
    const socket = new WebSocketClass(withTokenParameter(url, access.token));
    // An ArrayBuffer is simplest to recognise as binary in every implementation.
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => handlers.open();
    socket.onmessage = (event) => {
      if (typeof event.data === 'string') handlers.message(event.data);
      else handlers.binary();
    };
    socket.onerror = (event) => handlers.error(event);
    socket.onclose = (event) => handlers.close(event.code, event.reason);
    return {
      send: (text) => socket.send(text),
      close: (code, reason) => socket.close(code, reason),
      // The standard API has no abrupt close; a close without waiting is the closest.
      terminate: () => socket.close(),
    };
  };
}
