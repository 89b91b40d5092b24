import { MAX_PAYLOAD_HEADER } from '@nemesisdb/protocol';
import { installFastReceiver } from '@nemesisdb/protocol/ws-fast-receiver';
import type { WebSocket as WsWebSocket } from 'ws';
import { ConnectionError } from './errors.js';
import { maskedTextFrame } from './masked-frame.js';
import { standardWireFactory, type AccessOptions, type WebSocketConstructor, type WireFactory } from './wire.js';

/*
 * The default WebSocket in Node (and any runtime that resolves the package's `import` condition):
 * `ws`, loaded on first use with a dynamic import so that nothing pulls it in before a client
 * connects. Runtimes where `ws` cannot be loaded but that have a global `WebSocket` (Deno, Bun,
 * workers) fall back to it. Browser builds replace this module with default-websocket.browser.ts
 * (see tsup.config.ts), so `ws` never reaches a browser bundle.
 */

let loading: Promise<WsClass> | undefined;

type WsClass = typeof WsWebSocket;

/** ws's handle on the TCP (or TLS) socket, when it has one. */
interface WithSocket {
  _socket?: { cork(): void; uncork(): void; write(frame: Buffer): boolean };
}

/** The wire factory used when `ClientOptions.WebSocket` is not given. */
export function defaultWireFactory(url: string, access: AccessOptions = {}): Promise<WireFactory> {
  loading ??= import('ws').then((module) => module.WebSocket);
  return loading.then(
    (WebSocket) => wsWireFactory(WebSocket, access),
    (error: unknown) => {
      loading = undefined; // let a later client try again
      const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
      if (typeof global === 'function') return standardWireFactory(global, access);
      throw new ConnectionError('no WebSocket implementation: the "ws" package could not be loaded', {
        url,
        failure: 'connect',
        cause: error,
      });
    },
  );
}

function wsWireFactory(WebSocket: WsClass, access: AccessOptions): WireFactory {
  return (url, handlers) => {
    // The server never negotiates compression (docs/reference/protocol.md §1): do not offer it. A token goes in
    // a header, where it stays out of URLs and logs.
    const socket = new WebSocket(url, {
      perMessageDeflate: false,
      ...(access.token === undefined ? {} : { headers: { authorization: `Bearer ${access.token}` } }),
      ...access.tls,
    });
    // The server's largest message, from its handshake (our server says it; v0.7.4 does not).
    let maxPayload: number | undefined;
    socket.on('upgrade', (response) => {
      const told = Number(response.headers[MAX_PAYLOAD_HEADER]);
      if (Number.isSafeInteger(told) && told > 0) maxPayload = told;
    });
    socket.on('open', () => {
      // Small replies are parsed straight from the socket; ws emits everything else.
      installFastReceiver(socket, { from: 'server', onText: (text) => handlers.message(text) });
      handlers.open();
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary) handlers.binary();
      else handlers.message(data.toString());
    });
    socket.on('error', (error) => handlers.error(error));
    socket.on('close', (code, reason) => handlers.close(code, reason.toString()));
    let corked = false;
    const uncork = () => {
      corked = false;
      (socket as WithSocket)._socket?.uncork();
    };
    return {
      send: (text) => {
        // Requests made while the event loop handles one batch of events (a pipeline, a
        // Promise.all, the store calls of every HTTP request a web app read at once) leave in one
        // write instead of one syscall each: the TCP socket is corked until the loop's check
        // phase, as node-redis does. Uncorking at the end of the tick instead wrote each web
        // request's call alone: the Express bench's server CPU per request fell from 41–58 µs to
        // 21–41 µs with this. `_socket` is ws's (long-standing, undocumented) handle on the
        // socket; without it, every send writes at once.
        const tcp = (socket as WithSocket)._socket;
        if (tcp === undefined || socket.readyState !== WebSocket.OPEN) {
          socket.send(text); // ws says why it cannot
          return;
        }
        if (!corked) {
          corked = true;
          tcp.cork();
          setImmediate(uncork);
        }
        // The frame is ours (masked-frame.ts: 160–200 ns a message against ws.send's 240–530); ws writes
        // nothing of its own between two of ours but control frames, each whole.
        const frame = maskedTextFrame(text);
        if (frame === undefined) socket.send(text);
        else tcp.write(frame);
      },
      refuses: (text) => {
        // UTF-8 takes at most 3 bytes per UTF-16 unit: most texts need no count.
        if (maxPayload === undefined || text.length * 3 <= maxPayload) return undefined;
        const bytes = Buffer.byteLength(text);
        if (bytes <= maxPayload) return undefined;
        return new RangeError(
          `request of ${bytes} bytes not sent: the server reads messages of up to ${maxPayload} bytes (its maxPayload) and would close the connection`,
        );
      },
      close: (code, reason) => socket.close(code, reason),
      terminate: () => socket.terminate(),
    };
  };
}
