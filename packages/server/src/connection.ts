import type { Socket } from 'node:net';
import type { Engine } from '@nemesisdb/engine';
import { isPromise } from '@nemesisdb/engine/internal';
import { Status, encode, errEnvelopeOf } from '@nemesisdb/protocol';
import { installFastReceiver } from '@nemesisdb/protocol/ws-fast-receiver';
import type { WebSocket } from 'ws';
import type { LatencyHistogram } from './metrics.js';
import type { Logger } from './options.js';
import { replyFrames } from './reply-frames.js';

/** Replies the transport itself produces (docs/reference/protocol.md §1, §3). */
const BINARY_REPLY = encode(errEnvelopeOf(Status.OpCodeInvalid));
const FAILED_REPLY = encode(errEnvelopeOf(Status.Unknown));

/** WebSocket close codes used by the server. */
export const CloseCode = {
  GoingAway: 1001,
  PolicyViolation: 1008,
  InternalError: 1011,
} as const;

export interface ConnectionLimits {
  maxBufferedBytes: number;
  drainTimeoutMs: number;
  /** Largest inbound message (ws enforces it; the fast receive path takes only frames within it). */
  maxPayload: number;
}

/** Requests that may wait behind an asynchronous one before reading pauses. */
const MAX_BACKLOG = 1024;
/** Asynchronous requests of one connection on one session in flight at once (see `Engine.executeAfter`). */
const MAX_PIPELINE = 64;

/**
 * One client connection: requests in, replies out, in order.
 *
 * - Every text message is one request. Requests of one connection are executed strictly one after
 *   the other (docs/reference/protocol.md §1): while the engine answers one asynchronously (a save, a remote
 *   store), the next ones wait in `backlog`, and reading pauses if it grows. The exception: on a
 *   store that orders one session's calls (a Redis Cluster), further requests on the session of
 *   the one in flight start at once (`Engine.executeAfter`), their effects in request order.
 * - The replies to all requests parsed from one read leave in one write at the end of the tick,
 *   framed by the connection itself, so N pipelined requests cost one buffer and one syscall.
 * - Replies are never dropped (§14 D13). When more than `maxBufferedBytes` wait in the socket's
 *   buffer, the connection stops reading requests until it drains; one that does not drain within
 *   `drainTimeoutMs` is closed with a logged reason.
 */
export class Connection {
  /** Sweeps of the keepalive timer since the last message or pong. */
  idleSweeps = 0;
  /** Requests waiting behind an asynchronous one: text from the fast path, or ws's message. */
  private readonly backlog: { data: Buffer | string; isBinary: boolean }[] = [];
  /** Replies of requests started and not sent yet, in request order (`text` null until ready). */
  private readonly pending: { text: string | null }[] = [];
  /** The session every request in `pending` is on, when more may join them; null otherwise. */
  private pipelineKey: unknown = null;
  /** Replies waiting for the end of the tick, to leave in one write. */
  private readonly outgoing: string[] = [];
  /** Their UTF-8 sizes (reused between flushes). */
  private readonly lengths: number[] = [];
  /** Why reading is paused: the client is not reading replies, or requests are piling up. */
  private pausedForDrain = false;
  private pausedForBacklog = false;
  private drainTimer: NodeJS.Timeout | null = null;
  private closeCode = 0;
  private closeReason = '';
  /** Replies waiting for the journal to make their changes durable, with their group's number. */
  private readonly held: { text: string; group: number }[] = [];
  private lastBarrier: Promise<void> | null = null;
  private lastGroup = 0;
  /**
   * When the last request of the current read ended (-1: none yet). Requests of one read run back
   * to back, so the next one starts then: the latency histogram costs one clock read per request
   * instead of two (the clock was ~3 % of the server's CPU at 4 × 64).
   */
  private runClock = -1;

  constructor(
    readonly ws: WebSocket,
    private readonly socket: Socket,
    private readonly engine: Engine,
    private readonly limits: ConnectionLimits,
    private readonly latency: LatencyHistogram,
    private readonly logger: Logger | undefined,
    readonly remote: string,
  ) {
    // Small text frames are parsed straight from the socket; ws emits everything else (@nemesisdb/protocol/ws-fast-receiver).
    installFastReceiver(ws, {
      from: 'client',
      maxPayload: limits.maxPayload,
      onText: (text, firstOfRead) => {
        if (firstOfRead) this.runClock = -1;
        this.onMessage(text, false);
      },
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      this.runClock = -1;
      this.onMessage(data, isBinary);
    });
    ws.on('pong', () => {
      this.idleSweeps = 0;
    });
  }

  /** Requests received and not answered yet. */
  get inFlight(): number {
    return this.backlog.length + this.pending.length + this.held.length;
  }

  /** Closes with `code` once every request received so far has been answered. */
  closeWhenAnswered(code: number, reason: string): void {
    this.closeCode = code;
    this.closeReason = reason;
    if (this.inFlight === 0) this.closeNow();
  }

  /** Sends the close frame after every reply written so far. */
  private closeNow(): void {
    this.flush();
    this.ws.close(this.closeCode, this.closeReason);
  }

  /** Releases timers (the socket is gone). */
  dispose(): void {
    if (this.drainTimer !== null) clearTimeout(this.drainTimer);
    this.drainTimer = null;
  }

  private onMessage(data: Buffer | string, isBinary: boolean): void {
    this.idleSweeps = 0;
    if (this.pending.length > 0) {
      if (this.backlog.length === 0 && this.pipelined(data, isBinary)) return;
      this.backlog.push({ data, isBinary });
      if (this.backlog.length >= MAX_BACKLOG && !this.pausedForBacklog) {
        this.pausedForBacklog = true;
        this.ws.pause();
      }
      return;
    }
    this.execute(data, isBinary);
  }

  private execute(data: Buffer | string, isBinary: boolean): void {
    if (isBinary) return this.emit(BINARY_REPLY);
    const started = this.runClock >= 0 ? this.runClock : performance.now();
    let reply: string | Promise<string>;
    try {
      // The text is valid UTF-8: checked by ws (else it closed with 1007) or by the fast path.
      reply = this.engine.execute(typeof data === 'string' ? data : data.toString());
    } catch (error) {
      this.logger?.error({ err: error, remote: this.remote }, 'request failed');
      reply = FAILED_REPLY;
    }
    if (!isPromise(reply)) {
      const done = performance.now();
      this.runClock = done;
      this.latency.observe((done - started) / 1000);
      return this.emit(reply);
    }
    this.runClock = -1;
    this.pipelineKey = this.engine.pipelineKey;
    this.track(reply, started);
  }

  /**
   * Starts a request while others on one session are in flight, if the engine can order it after
   * them (a request on that same session, on a store that keeps their order); false otherwise,
   * when it must wait in the backlog.
   */
  private pipelined(data: Buffer | string, isBinary: boolean): boolean {
    if (this.pipelineKey === null || isBinary || this.pending.length >= MAX_PIPELINE) return false;
    const started = performance.now();
    let reply: string | Promise<string> | null;
    try {
      reply = this.engine.executeAfter(typeof data === 'string' ? data : data.toString(), this.pipelineKey);
    } catch (error) {
      this.logger?.error({ err: error, remote: this.remote }, 'request failed');
      reply = FAILED_REPLY;
    }
    if (reply === null) return false;
    if (isPromise(reply)) this.track(reply, started);
    else this.pending.push({ text: reply }); // after the replies still in flight
    return true;
  }

  private track(reply: Promise<string>, started: number): void {
    const entry: { text: string | null } = { text: null };
    this.pending.push(entry);
    reply.then(
      (text) => {
        this.latency.observe((performance.now() - started) / 1000);
        entry.text = text;
        this.finish();
      },
      (error: unknown) => {
        this.logger?.error({ err: error, remote: this.remote }, 'request failed');
        entry.text = FAILED_REPLY;
        this.finish();
      },
    );
  }

  /** An asynchronous reply is ready: send the replies ready in order, then run the requests that waited. */
  private finish(): void {
    this.runClock = -1; // a later task than the read: requests from the backlog read the clock
    const pending = this.pending;
    while (pending.length > 0 && pending[0]!.text !== null) this.emit(pending.shift()!.text!);
    if (pending.length === 0) this.pipelineKey = null;
    const backlog = this.backlog;
    while (backlog.length > 0) {
      const next = backlog[0]!;
      if (pending.length === 0) {
        backlog.shift();
        this.execute(next.data, next.isBinary);
      } else if (this.pipelined(next.data, next.isBinary)) {
        backlog.shift();
      } else {
        break;
      }
    }
    if (this.pausedForBacklog && this.backlog.length < MAX_BACKLOG / 2) {
      this.pausedForBacklog = false;
      if (!this.pausedForDrain) this.ws.resume();
    }
    if (this.closeCode !== 0 && this.inFlight === 0) this.closeNow();
  }

  /**
   * Sends a reply, or holds it while the journal (`fsync: "always"`) has changes not yet on disk:
   * a reply never acknowledges a change that a crash could still lose. Replies of one group leave
   * together once its sync is done (group commit), still in request order.
   *
   * The barrier is asked for here, for every reply, rather than returned with a write's reply:
   * a read must wait too, when it may see another connection's change that is not durable yet
   * (no reply shows data a crash could take back). Without a journal the call is one null check.
   */
  private emit(text: string): void {
    const barrier = this.engine.pendingDurability();
    if (barrier === null && this.held.length === 0) return this.write(text);
    if (barrier !== null && barrier !== this.lastBarrier) {
      const group = ++this.lastGroup;
      this.lastBarrier = barrier;
      barrier.then(
        () => this.release(group),
        (error: unknown) => {
          this.logger?.error({ err: error, remote: this.remote }, 'journal failed: closing the connection without acknowledging');
          this.held.length = 0;
          // The reason says why (e.g. "journal failed (ENOSPC: …) and could not be written for 30 s").
          this.ws.close(CloseCode.InternalError, fitCloseReason(error instanceof Error ? error.message : 'journal failed'));
        },
      );
    }
    this.held.push({ text, group: this.lastGroup });
  }

  private release(group: number): void {
    const held = this.held;
    let count = 0;
    while (count < held.length && held[count]!.group <= group) this.write(held[count++]!.text);
    held.splice(0, count);
    if (this.closeCode !== 0 && this.inFlight === 0) this.closeNow();
  }

  private write(text: string): void {
    if (this.ws.readyState !== this.ws.OPEN) return; // the client left; nobody to answer
    if (this.outgoing.length === 0) process.nextTick(this.flush);
    this.outgoing.push(text);
  }

  /**
   * Writes every reply produced since the last flush (all the requests of one read, typically) as
   * WebSocket frames in one buffer and one socket write. ws's own `send` allocates two buffers and
   * makes two writes per message; frames written whole on the socket interleave safely with the
   * control frames ws writes itself.
   */
  private readonly flush = (): void => {
    const outgoing = this.outgoing;
    if (outgoing.length === 0 || this.socket.destroyed) {
      outgoing.length = 0;
      return;
    }
    const buffer = replyFrames(outgoing, this.lengths);
    outgoing.length = 0;
    this.socket.write(buffer);
    if (!this.pausedForDrain && this.ws.bufferedAmount > this.limits.maxBufferedBytes) this.pauseForDrain();
  };

  /** Stops reading requests until the client has read the replies waiting for it. */
  private pauseForDrain(): void {
    this.pausedForDrain = true;
    this.ws.pause();
    this.socket.once('drain', this.resumeAfterDrain);
    this.drainTimer = setTimeout(() => {
      this.logger?.warn(
        { remote: this.remote, bufferedBytes: this.ws.bufferedAmount, drainTimeoutMs: this.limits.drainTimeoutMs },
        'closing a connection that does not read its replies',
      );
      this.ws.terminate();
    }, this.limits.drainTimeoutMs);
    this.drainTimer.unref();
  }

  private readonly resumeAfterDrain = (): void => {
    if (this.drainTimer !== null) clearTimeout(this.drainTimer);
    this.drainTimer = null;
    this.pausedForDrain = false;
    if (!this.pausedForBacklog) this.ws.resume();
  };
}

/** A close reason fits in 123 bytes (RFC 6455 §5.5: control frames carry at most 125). */
function fitCloseReason(text: string): string {
  let reason = text;
  while (Buffer.byteLength(reason) > 123) reason = reason.slice(0, -1);
  return reason;
}
