import { ConnectionError } from './errors.js';
import { standardWireFactory, type WebSocketConstructor } from './wire.js';
import type { defaultWireFactory as nodeDefault } from './default-websocket.js';

/*
 * Browser builds use this module instead of default-websocket.ts (tsup.config.ts swaps them): the
 * global `WebSocket`, and no reference to `ws` at all. The type annotation keeps both modules'
 * signatures identical.
 */

/** The wire factory used when `ClientOptions.WebSocket` is not given: the global `WebSocket`. */
export const defaultWireFactory: typeof nodeDefault = async (url, access) => {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (typeof global !== 'function') {
    throw new ConnectionError('no global WebSocket in this environment: pass the `WebSocket` option', {
      url,
      failure: 'connect',
    });
  }
  return standardWireFactory(global, access);
};
