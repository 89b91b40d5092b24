/**
 * The response header of the WebSocket handshake in which a NemesisDB server (ours; not C++
 * v0.7.4) tells the client the largest message it reads, in bytes: its `maxPayload`. A larger one
 * closes the connection (1009), which fails every request in flight on it; a client that knows the
 * limit refuses such a request itself and keeps the connection. HTTP header names are
 * case-insensitive; Node lowercases them, as here.
 */
export const MAX_PAYLOAD_HEADER = 'nemesisdb-max-payload';
