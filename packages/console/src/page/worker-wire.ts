// The page's side of wire-worker.ts: the same API as RawWire, with the socket in a worker so that
// round trips are timed off the main thread.

import type { RawReply, TextWire } from './raw-wire.js';
import type { FromWorker, ToWorker } from './wire-worker.js';

interface Waiting {
  readonly resolve: (reply: RawReply) => void;
  readonly reject: (error: Error) => void;
}

export class WorkerWire implements TextWire {
  private readonly worker: Worker;
  private id = 0;
  private isOpen = false;
  private readonly waiting: Waiting[] = [];
  private opening: { id: number; resolve: () => void; reject: (error: Error) => void } | undefined;

  onClose: (code: number, reason: string) => void = () => {};

  constructor(scriptUrl: string) {
    this.worker = new Worker(scriptUrl, { type: 'module', name: 'nemesisdb-console-wire' });
    this.worker.onmessage = ({ data }: MessageEvent<FromWorker>) => this.receive(data);
  }

  get open(): boolean {
    return this.isOpen;
  }

  connect(url: string, token: string | undefined): Promise<void> {
    this.close();
    const id = ++this.id;
    return new Promise((resolve, reject) => {
      this.opening = { id, resolve, reject };
      this.post({ type: 'connect', id, url, token });
    });
  }

  send(text: string): Promise<RawReply> {
    if (!this.isOpen) return Promise.reject(new Error('not connected'));
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.post({ type: 'send', text });
    });
  }

  close(): void {
    this.id++;
    this.isOpen = false;
    this.opening?.reject(new Error('closed while connecting'));
    this.opening = undefined;
    this.failWaiting('the connection was closed');
    this.post({ type: 'close' });
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  private receive(message: FromWorker): void {
    if (message.id !== this.id) return; // about a connection replaced since
    switch (message.type) {
      case 'open':
        this.isOpen = true;
        this.opening?.resolve();
        this.opening = undefined;
        break;
      case 'reply':
        this.waiting.shift()?.resolve({ text: message.text, ms: message.ms });
        break;
      case 'closed':
        this.isOpen = false;
        if (!message.opened) {
          this.opening?.reject(new Error(`could not connect (close code ${message.code})`));
          this.opening = undefined;
          return;
        }
        this.failWaiting(`the connection closed (${message.code}${message.reason ? ` ${message.reason}` : ''})`);
        this.onClose(message.code, message.reason);
        break;
    }
  }

  private failWaiting(why: string): void {
    for (const item of this.waiting.splice(0)) item.reject(new Error(why));
  }
}
