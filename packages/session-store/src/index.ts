// @nemesisdb/session-store — NemesisStore, an express-session store that @fastify/session accepts
// as it is, keeping each web session as the shared NemesisDB session named `prefix + sid`.

export { DEFAULT_TTL_SECONDS, NemesisStore, type Callback, type NemesisStoreOptions, type StoredSession } from './nemesis-store.js';
