// The compose box's WebSocket, in a dedicated worker: its own event loop, which the page's clicks,
// layout and painting never hold up. A reply is timed here, from `send` to the message event, so
// the round trip shown is the socket's (0.2–0.5 ms on a local server), not the socket's plus
// whatever the page was drawing when the reply arrived (several ms on the main thread).
//
// Messages in:  {type:'connect', id, url, token} · {type:'send', text} · {type:'close'}
// Messages out: {type:'open', id} · {type:'reply', id, text, ms} · {type:'closed', id, code, reason, opened}

import { standardWireFactory, type Wire } from '@nemesisdb/client/wire';

export type ToWorker =
  { type: 'connect'; id: number; url: string; token: string | undefined } | { type: 'send'; text: string } | { type: 'close' };

export type FromWorker =
  | { type: 'open'; id: number }
  | { type: 'reply'; id: number; text: string; ms: number }
  | { type: 'closed'; id: number; code: number; reason: string; opened: boolean };

const scope = self as unknown as { onmessage: ((event: MessageEvent<ToWorker>) => void) | null; postMessage(message: FromWorker): void };

let wire: Wire | undefined;
let current = 0;
/** Send times of the requests waiting, oldest first (the server answers in order). */
let sentAt: number[] = [];

scope.onmessage = ({ data }) => {
  switch (data.type) {
    case 'connect': {
      wire?.close(1000, 'console reconnecting');
      const id = data.id;
      current = id;
      sentAt = [];
      let opened = false;
      wire = standardWireFactory(WebSocket, { token: data.token })(data.url, {
        open: () => {
          opened = true;
          if (id === current) scope.postMessage({ type: 'open', id });
        },
        message: (text) => {
          const now = performance.now();
          const started = sentAt.shift();
          if (id === current) scope.postMessage({ type: 'reply', id, text, ms: started === undefined ? 0 : now - started });
        },
        binary: () => {
          const started = sentAt.shift();
          if (id === current)
            scope.postMessage({ type: 'reply', id, text: '(binary message)', ms: started === undefined ? 0 : performance.now() - started });
        },
        error: () => {},
        close: (code, reason) => {
          if (id === current) {
            wire = undefined;
            scope.postMessage({ type: 'closed', id, code, reason, opened });
          }
        },
      });
      break;
    }
    case 'send':
      sentAt.push(performance.now());
      wire?.send(data.text);
      break;
    case 'close':
      current++;
      wire?.close(1000, 'console closed');
      wire = undefined;
      break;
  }
};
