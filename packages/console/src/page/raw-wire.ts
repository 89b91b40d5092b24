// A connection that sends text exactly as typed and hands back each reply as received.
//
// Why not the SDK's client (`db.command()`, `db.sendRaw()`): it checks replies with zod schemas
// (190 KB the page does not need) and cannot show the wire as is. A console must show the wire
// itself — including the server's answers to malformed JSON (status 3) and unknown commands (13) —
// so it speaks the text itself, over the SDK's own WebSocket layer (`@nemesisdb/client/wire`:
// the standard-API wire, with the token as a query parameter as browsers must send it).

import { standardWireFactory, type Wire } from '@nemesisdb/client/wire';

/** A reply and its round trip: from handing the text to the socket to the reply's arrival. */
export interface RawReply {
  text: string;
  /** Milliseconds, measured in the socket's handlers: no rendering or click handling inside. */
  ms: number;
}

/** A connection that sends text as it is and hands back each reply, timed (RawWire, WorkerWire). */
export interface TextWire {
  readonly open: boolean;
  /** Called when an open connection closes, with the close code (1006: dropped, 1001: server going away). */
  onClose: (code: number, reason: string) => void;
  connect(url: string, token: string | undefined): Promise<void>;
  send(text: string): Promise<RawReply>;
  close(): void;
}

interface Waiting {
  sentAt: number;
  readonly resolve: (reply: RawReply) => void;
  readonly reject: (error: Error) => void;
}

/**
 * One WebSocket; the server answers every message with exactly one message, in order, so the
 * oldest request waiting gets each reply.
 */
export class RawWire implements TextWire {
  private wire: Wire | undefined;
  private isOpen = false;
  private readonly waiting: Waiting[] = [];

  /** Called when an open connection closes, with the close code (1006: dropped, 1001: server going away). */
  onClose: (code: number, reason: string) => void = () => {};

  get open(): boolean {
    return this.isOpen;
  }

  /** Opens a connection to `url`; rejects when it cannot (a wrong token looks like this to a browser). */
  connect(url: string, token: string | undefined): Promise<void> {
    this.close();
    return new Promise((resolve, reject) => {
      let opened = false;
      const current = () => this.wire === wire;
      const wire: Wire = standardWireFactory(WebSocket, { token })(url, {
        open: () => {
          if (!current()) return;
          opened = true;
          this.isOpen = true;
          resolve();
        },
        message: (text) => {
          const now = performance.now();
          const next = this.waiting.shift();
          if (current() && next !== undefined) next.resolve({ text, ms: now - next.sentAt });
        },
        binary: () => {
          const next = this.waiting.shift();
          if (current() && next !== undefined) next.resolve({ text: '(binary message)', ms: performance.now() - next.sentAt });
        },
        error: () => {},
        close: (code, reason) => {
          if (!opened) {
            reject(new Error(`could not connect (close code ${code})`));
            if (current()) this.wire = undefined;
            return;
          }
          if (!current()) return; // closed by close(), or replaced by a newer connection
          this.wire = undefined;
          this.isOpen = false;
          this.failWaiting(`the connection closed (${code}${reason ? ` ${reason}` : ''})`);
          this.onClose(code, reason);
        },
      });
      this.wire = wire;
    });
  }

  /** Sends `text` as it is and resolves with the reply to it. */
  send(text: string): Promise<RawReply> {
    const wire = this.wire;
    if (wire === undefined || !this.isOpen) return Promise.reject(new Error('not connected'));
    return new Promise((resolve, reject) => {
      const waiting: Waiting = { sentAt: 0, resolve, reject };
      this.waiting.push(waiting);
      waiting.sentAt = performance.now();
      wire.send(text);
    });
  }

  /** Closes the connection (requests still waiting are rejected). */
  close(): void {
    const wire = this.wire;
    this.wire = undefined;
    this.isOpen = false;
    this.failWaiting('the connection was closed');
    wire?.close(1000, 'console closed');
  }

  private failWaiting(why: string): void {
    for (const item of this.waiting.splice(0)) item.reject(new Error(why));
  }
}
