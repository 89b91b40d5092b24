// @nemesisdb/engine: placeholder, nothing is exported yet. Executes commands over the data: sessions, keys, exact expiry, persistence. Knows nothing of sockets and is testable with an injected clock.
export {};
