// The class NemesisStore extends: express-session's Store when the app has it, found at run time so
// that a Fastify app (or any without express-session) needs no dependency on it.
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';

/** express-session's Store when it is installed (it gives `load`, `regenerate`, `createSession`), else a bare EventEmitter. */
export function storeBase(): typeof EventEmitter {
  try {
    const { Store } = createRequire(import.meta.url)('express-session') as { Store: typeof EventEmitter };
    if (typeof Store === 'function') return Store;
  } catch {
    // Not installed (e.g. a Fastify app): @fastify/session needs only get, set and destroy.
  }
  return EventEmitter;
}
