// @nemesisdb/client: placeholder, nothing is exported yet. The SDK users install, for Node and browsers: sessions, keys, exact 64-bit tokens, reconnects.
export {};
