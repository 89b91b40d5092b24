// @nemesisdb/server: placeholder, nothing is exported yet. The WebSocket transport (`ws`) over the engine, as a library: framing, limits, backpressure, health and metrics endpoints.
export {};
