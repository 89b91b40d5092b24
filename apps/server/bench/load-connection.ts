// One load-generating connection: keeps a number of pre-built requests in flight and only counts
// reply frames (no JSON parsing on the hot path), so that most of the client's core is left for
// sending.
import type { Socket } from 'node:net';
import { FrameReader, Opcode, openRawWebSocket, textFrame } from './raw-websocket.js';

export class LoadConnection {
  replies = 0;
  latencies: number[] = [];
  private readonly sentAt: number[] = [];
  private next = 0;
  private running = false;
  private readonly waiting: ((text: string) => void)[] = [];
  private frames: Buffer[] = [];
  /** Requests to send once the current read's replies are counted (one write for all). */
  private replacements: Buffer[] = [];
  private readonly reader = new FrameReader((opcode, data, start, end) => this.onFrame(opcode, data, start, end));

  private constructor(private readonly socket: Socket) {}

  static async open(port: number): Promise<LoadConnection> {
    const { socket, rest } = await openRawWebSocket(port);
    socket.setNoDelay(true);
    const connection = new LoadConnection(socket);
    connection.onData(rest);
    socket.on('data', (chunk: Buffer) => connection.onData(chunk));
    return connection;
  }

  /** Sends requests (setup only), up to 64 at a time, and resolves with their reply texts. */
  async requestAll(texts: string[]): Promise<string[]> {
    const replies: string[] = [];
    for (let at = 0; at < texts.length; at += 64) {
      const batch = texts.slice(at, at + 64);
      const answered = batch.map(
        () =>
          new Promise<string>((resolve) => {
            this.waiting.push(resolve);
            this.sentAt.push(0);
          }),
      );
      this.socket.write(Buffer.concat(batch.map(textFrame)));
      replies.push(...(await Promise.all(answered)));
    }
    return replies;
  }

  /** Keeps `inFlight` requests outstanding, from `frames` round-robin, until stopped. */
  run(frames: Buffer[], inFlight: number): void {
    this.running = true;
    this.frames = frames;
    const burst: Buffer[] = [];
    for (let i = 0; i < inFlight; i++) burst.push(this.take());
    this.socket.write(Buffer.concat(burst));
  }

  stop(): void {
    this.running = false;
  }

  close(): void {
    this.socket.destroy();
  }

  private take(): Buffer {
    this.sentAt.push(performance.now());
    const frame = this.frames[this.next]!;
    this.next = (this.next + 1) % this.frames.length;
    return frame;
  }

  private onData(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.reader.push(chunk);
    const replacements = this.replacements;
    if (replacements.length === 0) return;
    this.replacements = [];
    this.socket.write(replacements.length === 1 ? replacements[0]! : Buffer.concat(replacements));
  }

  private onFrame(opcode: number, data: Buffer, start: number, end: number): void {
    if (opcode !== Opcode.text) return;
    const sent = this.sentAt.shift()!;
    this.replies++;
    const waiter = this.waiting.shift();
    if (waiter) waiter(data.toString('utf8', start, end));
    else if (this.running) {
      this.latencies.push(performance.now() - sent);
      this.replacements.push(this.take());
    }
  }
}
