// One WebSocket connection to the server under test, read as a queue of events. The protocol
// answers every request with exactly one message, in order, so "send, then take the next event"
// is all a case needs; a close is an event too, so cases can expect one.
import WebSocket from 'ws';

export type ConnectionEvent =
  | { readonly type: 'message'; readonly text: string; readonly binary: boolean }
  | { readonly type: 'close'; readonly code: number; readonly reason: string }
  | { readonly type: 'timeout' };

/** How to reach a server that requires a token or has a private certificate authority. */
export interface ServerAccess {
  /** Bearer token, sent as `Authorization: Bearer` at every upgrade. */
  readonly token?: string;
  /** PEM certificate(s) of the CA that signed a `wss://` server's certificate. */
  readonly ca?: string | Buffer;
}

export class Connection {
  private readonly events: Exclude<ConnectionEvent, { type: 'timeout' }>[] = [];
  private waiter: (() => void) | null = null;
  private closed = false;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => this.push({ type: 'message', text: toText(data), binary: isBinary }));
    socket.on('close', (code, reason) => {
      this.closed = true;
      this.push({ type: 'close', code, reason: reason.toString() });
    });
    // An 'error' is always followed by 'close' (1006); listening keeps it from being thrown.
    socket.on('error', () => undefined);
  }

  /** Opens a connection; rejects with a readable message when the server cannot be reached. */
  static open(url: string, timeoutMs: number, access: ServerAccess = {}): Promise<Connection> {
    return new Promise((resolve, reject) => {
      // No compression: upstream does not negotiate it (docs/reference/protocol.md §1); big inbound payloads are fine.
      const socket = new WebSocket(url, {
        perMessageDeflate: false,
        handshakeTimeout: timeoutMs,
        maxPayload: 256 * 1024 * 1024,
        ...(access.token === undefined ? {} : { headers: { authorization: `Bearer ${access.token}` } }),
        ...(access.ca === undefined ? {} : { ca: access.ca }),
      });
      const fail = (error: Error): void => {
        socket.removeAllListeners();
        socket.on('error', () => undefined);
        socket.terminate();
        reject(new Error(`cannot connect to ${url}: ${error.message}`));
      };
      socket.once('error', fail);
      socket.once('unexpected-response', (_request, response) =>
        fail(new Error(`HTTP ${response.statusCode} instead of a WebSocket upgrade`)),
      );
      socket.once('open', () => {
        socket.removeListener('error', fail);
        resolve(new Connection(socket));
      });
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends one text message (a string, or raw bytes that need not be valid UTF-8). */
  sendText(data: string | Buffer): Promise<void> {
    return this.send(data, false);
  }

  /** Sends one binary message. */
  sendBinary(data: Buffer): Promise<void> {
    return this.send(data, true);
  }

  /** The next message or close, or `timeout` when nothing arrives within `timeoutMs`. */
  async next(timeoutMs: number): Promise<ConnectionEvent> {
    if (this.events.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.waiter = null;
          resolve();
        }, timeoutMs);
        this.waiter = () => {
          clearTimeout(timer);
          this.waiter = null;
          resolve();
        };
      });
    }
    return this.events.shift() ?? { type: 'timeout' };
  }

  /** Closes politely (1000) and waits briefly for the server's close frame. */
  async close(): Promise<void> {
    if (this.closed) return;
    const done = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.close(1000);
    const timer = setTimeout(() => this.socket.terminate(), 1000);
    await done;
    clearTimeout(timer);
  }

  private send(data: string | Buffer, binary: boolean): Promise<void> {
    if (this.closed || this.socket.readyState !== WebSocket.OPEN) return Promise.reject(new Error('the connection is closed'));
    return new Promise((resolve, reject) => {
      this.socket.send(data, { binary }, (error) => (error ? reject(error) : resolve()));
    });
  }

  private push(event: Exclude<ConnectionEvent, { type: 'timeout' }>): void {
    this.events.push(event);
    this.waiter?.();
  }
}

function toText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
