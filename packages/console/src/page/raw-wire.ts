// The compose box's connection: text goes out exactly as typed and comes back exactly as sent.
//
// Why not the SDK's `db.command(name, body)`: it re-encodes a parsed body, resolves with the
// success body as its schema parses it and throws on any other status, and it cannot send text
// that is not a known command. A console must show the wire itself — including the server's
// answers to malformed JSON (status 3) and unknown commands (13) — so the compose box has its own
// WebSocket and the SDK serves the session inspector (inspector.ts). Sent as typed, a token such
// as 16351792548006066062 reaches the server as exactly that integer.

/** A reply and how long it took. */
export interface RawReply {
  text: string;
  ms: number;
}

interface Waiting {
  readonly sentAt: number;
  readonly resolve: (reply: RawReply) => void;
  readonly reject: (error: Error) => void;
}

/**
 * One WebSocket; the server answers every message with exactly one message, in order, so the
 * oldest request waiting gets each reply.
 */
export class RawWire {
  private socket: WebSocket | undefined;
  private readonly waiting: Waiting[] = [];

  /** Called when an open connection closes, with the close code (1006: dropped). */
  onClose: (code: number, reason: string) => void = () => {};

  get open(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Opens a connection to `url`; rejects when it cannot (a wrong token looks like this to a browser). */
  connect(url: string): Promise<void> {
    this.close();
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      this.socket = socket;
      let opened = false;
      socket.onopen = () => {
        opened = true;
        resolve();
      };
      socket.onmessage = (event: MessageEvent) => {
        const next = this.waiting.shift();
        if (next === undefined) return; // nothing asked: the server never does this
        next.resolve({ text: typeof event.data === 'string' ? event.data : '(binary message)', ms: performance.now() - next.sentAt });
      };
      socket.onclose = (event: CloseEvent) => {
        // Not current: closed by close() or replaced by a newer connection, which said so already.
        const current = this.socket === socket;
        if (current) {
          this.socket = undefined;
          this.failWaiting(`the connection closed (${event.code}${event.reason ? ` ${event.reason}` : ''})`);
        }
        if (!opened) reject(new Error(`could not connect (close code ${event.code})`));
        else if (current) this.onClose(event.code, event.reason);
      };
    });
  }

  /** Sends `text` as it is and resolves with the reply to it. */
  send(text: string): Promise<RawReply> {
    const socket = this.socket;
    if (socket === undefined || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new Error('not connected'));
    }
    return new Promise((resolve, reject) => {
      this.waiting.push({ sentAt: performance.now(), resolve, reject });
      socket.send(text);
    });
  }

  /** Closes the connection (requests still waiting are rejected). */
  close(): void {
    const socket = this.socket;
    this.socket = undefined;
    this.failWaiting('the connection was closed');
    socket?.close(1000);
  }

  private failWaiting(why: string): void {
    for (const item of this.waiting.splice(0)) item.reject(new Error(why));
  }
}
