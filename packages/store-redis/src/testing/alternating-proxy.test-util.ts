// A WebSocket proxy in front of several NemesisDB servers that sends each message of a client
// connection to the next server in turn (round robin per message), and answers the client in
// request order. Run a client (e.g. the conformance suite) through it and every session it
// creates on one server is read, changed, extended and expired through the others: the servers
// must behave as one.

import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

export interface AlternatingProxy {
  readonly url: string;
  close(): Promise<void>;
}

/** A reply as received: what to send back to the client, byte for byte. */
interface Received {
  data: RawData;
  isBinary: boolean;
}

/** Close codes a peer may not send (they describe the absence of a close frame). */
const UNSENDABLE = new Set([1005, 1006, 1015]);

/**
 * Listens on 127.0.0.1 (a free port). `maxPayload` should be the servers' own, so that the proxy
 * closes an oversized message with 1009 exactly as they would; ws also closes invalid UTF-8 with
 * 1007 as they do. A close by a server is passed on to the client with its code and reason.
 */
export async function startAlternatingProxy(targets: readonly string[], maxPayload: number): Promise<AlternatingProxy> {
  const proxy = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload, perMessageDeflate: false });
  await new Promise<void>((resolve) => proxy.once('listening', resolve));

  proxy.on('connection', (client, request) => {
    // The client's path and query go to every server (`connect /any/path?x=1` steps).
    const upstreams = targets.map((target) => new WebSocket(target + (request.url ?? '/'), { perMessageDeflate: false }));
    const opened = Promise.all(
      upstreams.map((ws) => new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject))),
    );
    opened.catch(() => closeAll(1011)); // also when the client sent nothing yet
    /** Replies in request order; a slot is filled when its server answers. */
    const slots: (Received | undefined)[] = [];
    let flushed = 0;
    /** Per server: the slots it still owes, oldest first (a server answers its own requests in order). */
    const owed: number[][] = upstreams.map(() => []);
    let next = 0;

    const flush = () => {
      while (flushed < slots.length && slots[flushed] !== undefined) {
        const { data, isBinary } = slots[flushed]!;
        slots[flushed++] = undefined;
        if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
      }
    };
    const closeAll = (code?: number, reason?: Buffer) => {
      for (const ws of upstreams) if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
      if (client.readyState === WebSocket.OPEN) {
        if (code === undefined || UNSENDABLE.has(code)) client.terminate();
        else client.close(code, reason);
      }
    };

    upstreams.forEach((ws, i) => {
      ws.on('message', (data, isBinary) => {
        const slot = owed[i]!.shift();
        if (slot === undefined) return; // nothing asked: servers never do this
        slots[slot] = { data, isBinary };
        flush();
      });
      ws.on('close', (code, reason) => closeAll(code, reason));
      ws.on('error', () => closeAll(1011));
    });

    client.on('message', (data, isBinary) => {
      const slot = slots.length;
      slots.push(undefined);
      const target = next++ % upstreams.length;
      owed[target]!.push(slot);
      void opened.then(
        () => upstreams[target]!.send(data, { binary: isBinary }),
        () => closeAll(1011),
      );
    });
    client.on('close', () => closeAll());
    client.on('error', () => closeAll());
  });

  const { port } = proxy.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of proxy.clients) client.terminate();
        proxy.close(() => resolve());
      }),
  };
}
