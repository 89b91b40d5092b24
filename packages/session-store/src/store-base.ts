// The class NemesisStore extends: express-session's Store when the app has it, found at run time so
// that a Fastify app (or any without express-session) needs no dependency on it.
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';

/**
 * What express-session's `Store` adds to an EventEmitter, which it calls on a store during a
 * request. Typed loosely (its types come with @types/express-session, which a Fastify app does not
 * have) but structurally enough for `session({ store })` to accept a NemesisStore. Present at run
 * time whenever express-session is installed, the only case where anything calls them.
 */
export interface ExpressSessionStoreMethods {
  regenerate(req: any, callback: (error?: any) => any): void; // eslint-disable-line @typescript-eslint/no-explicit-any -- express's Request
  load(sid: string, callback: (error: any, session?: any) => any): void; // eslint-disable-line @typescript-eslint/no-explicit-any -- SessionData
  createSession(req: any, session: any): any; // eslint-disable-line @typescript-eslint/no-explicit-any -- Request, SessionData, Session
}

/** An EventEmitter with the methods above: the type of NemesisStore's base class. */
export interface StoreBase extends EventEmitter, ExpressSessionStoreMethods {}

/**
 * express-session's Store when it is installed (it gives `load`, `regenerate`, `createSession`),
 * else an EventEmitter whose three express-session methods say it is missing (@fastify/session
 * needs only get, set and destroy).
 */
export function storeBase(load: (id: string) => unknown = createRequire(import.meta.url)): new () => StoreBase {
  try {
    const { Store } = load('express-session') as { Store: new () => StoreBase };
    if (typeof Store === 'function') return Store;
  } catch {
    // Not installed (e.g. a Fastify app).
  }
  return BareStoreBase;
}

/** Without express-session nothing calls these (@fastify/session does not); should anything, it hears why. */
class BareStoreBase extends EventEmitter implements StoreBase {
  regenerate(): void {
    throw missing('regenerate');
  }

  load(): void {
    throw missing('load');
  }

  createSession(): never {
    throw missing('createSession');
  }
}

function missing(method: string): Error {
  return new Error(`NemesisStore.${method} is express-session's: install express-session to use it`);
}
