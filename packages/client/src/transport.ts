import Denque from 'denque';
import type { EventEmitter } from 'eventemitter3';
import type { CommandName } from '@nemesisdb/protocol';
import { AbortWatches } from './abort-watches.js';
import { reconnectDelay, type ReconnectPolicy } from './backoff.js';
import { ConnectionError, ProtocolError } from './errors.js';
import type { ClientEvents } from './events.js';
import { openLink, type Link } from './open-link.js';
import type { Pending, Reply } from './pending.js';
import { preview, readReply } from './read-reply.js';
import type { WireFactory } from './wire.js';

/*
 * One WebSocket connection at a time, many requests in flight on it.
 *
 * The protocol has no request ids: the server answers every request with exactly one message, in
 * request order (docs/reference/protocol.md §1). So requests written to the connection wait in a FIFO and each
 * incoming message settles the oldest — whatever its envelope, `<CMD>_RSP` or `ERR`. Everything
 * else follows from keeping that FIFO true:
 * - an aborted request stays in the FIFO (its reply still has to be read) but is already settled,
 *   so its reply is dropped;
 * - a reply for another command than the oldest means the FIFO no longer matches the server; the
 *   connection is dropped rather than hand anyone someone else's answer;
 * - when a connection ends, everything in its FIFO is rejected with a ConnectionError and never
 *   written again: it may have been executed, and only the caller can know whether repeating it
 *   is safe. Requests made while there is no connection wait in a separate queue (never written,
 *   so sending them later is safe) until the next connection opens.
 */

/** Where the client is in its life. */
export type ClientStatus =
  /** Created, `connect()` not called yet. */
  | 'idle'
  /** The first connection is being opened. */
  | 'connecting'
  /** Connected: requests are written at once. */
  | 'open'
  /** The connection was lost; waiting for or making a reconnect attempt. */
  | 'reconnecting'
  /** `close()` was called; replies still due are being awaited. */
  | 'closing'
  /** Closed for good. */
  | 'closed';

/** Settings of a {@link Transport}, defaults applied. */
export interface TransportSettings {
  url: string;
  /** `null` when reconnecting is off. */
  reconnect: ReconnectPolicy | null;
  connectTimeoutMs: number;
  queueWhileDisconnected: boolean;
  /** Time `close()` gives the server to finish the close handshake before the socket is cut. */
  closeTimeoutMs: number;
  wireFactory: (url: string) => Promise<WireFactory>;
}

/** The connection, the request FIFO, reconnects and the events they produce. */
export class Transport {
  private state: ClientStatus = 'idle';
  private link: Link | undefined;
  /** Written to the connection, awaiting their replies, oldest first. */
  private readonly inFlight = new Denque<Pending>();
  /** Not written yet: waiting for a connection. */
  private readonly queued = new Denque<Pending>();
  /** Ends the current reconnect delay early (when the client is closed). */
  private wake: (() => void) | undefined;
  /** Called when the FIFO empties, while `close()` waits for the replies still due. */
  private drained: (() => void) | undefined;
  /** Called when the link closes, while `close()` waits for it. */
  private linkClosed: (() => void) | undefined;
  private closing: Promise<void> | undefined;
  /** `close({ force: true })` was called: replies still due are not awaited. */
  private forced = false;
  private readonly watches = new AbortWatches();
  /** Aborted by close(): a connection still opening is dropped at once, not awaited until it times out. */
  private readonly closeController = new AbortController();

  constructor(
    private readonly settings: TransportSettings,
    private readonly events: EventEmitter<ClientEvents>,
  ) {}

  get status(): ClientStatus {
    return this.state;
  }

  /** Requests written and not answered yet (aborted ones included until their reply is read). */
  get inFlightCount(): number {
    return this.inFlight.length;
  }

  /** Opens the first connection. Fails fast: the first connection is not retried. */
  async connect(): Promise<void> {
    if (this.state !== 'idle') {
      throw new Error(`connect() can be called once, on a new client (status: ${this.state})`);
    }
    this.state = 'connecting';
    let link: Link;
    try {
      link = await this.open();
    } catch (error) {
      if (this.state === 'connecting') this.finishClose(error as ConnectionError);
      throw error;
    }
    if (this.state !== 'connecting') {
      // close() was called while connecting.
      link.wire.close(1000, 'client closed');
      throw new ConnectionError('the client was closed while connecting', { url: this.settings.url, failure: 'closed' });
    }
    this.adopt(link, false);
  }

  /**
   * Writes a request (or queues it while reconnecting) and resolves with its reply. Rejects with
   * the signal's reason when aborted, and with a ConnectionError when there is no connection to
   * write it to or the connection is lost before the reply.
   */
  request(command: CommandName, text: string, signal?: AbortSignal): Promise<Reply> {
    return this.enqueue(command, text, signal) as Promise<Reply>;
  }

  /**
   * Writes `text` as it is and resolves with the next reply's text as it arrived, whatever its
   * envelope (nothing is decoded or checked). It shares the FIFO with typed requests, so the
   * order of replies holds across both.
   */
  requestText(text: string, signal?: AbortSignal): Promise<string> {
    return this.enqueue(undefined, text, signal) as Promise<string>;
  }

  private enqueue(command: CommandName | undefined, text: string, signal: AbortSignal | undefined): Promise<Reply | string> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const state = this.state;
    if (state !== 'open' && !((state === 'connecting' || state === 'reconnecting') && this.settings.queueWhileDisconnected)) {
      return Promise.reject(this.unavailable(state));
    }
    return new Promise<Reply | string>((resolve, reject) => {
      const pending: Pending = {
        command,
        responseName: command === undefined ? undefined : `${command}_RSP`,
        text,
        resolve,
        reject,
        done: false,
        signal,
      };
      if (signal !== undefined) this.watches.watch(signal, pending);
      if (state === 'open') this.write(this.link!, pending);
      else this.queued.push(pending);
    });
  }

  /**
   * Closes the client: requests not written yet are rejected at once; replies already due are
   * awaited (unless `force`), then the connection is closed with 1000. Idempotent.
   */
  close(force: boolean): Promise<void> {
    if (this.state === 'closed') return Promise.resolve();
    if (force) {
      // Rejected now, but left in the FIFO: replies arriving before the close are still read.
      this.forced = true;
      this.rejectAll(this.inFlight, this.closedError(true), true);
      this.drained?.();
    }
    this.closing ??= this.shutdown();
    return this.closing;
  }

  // ------------------------------------------------------------------------ connection

  private open(): Promise<Link> {
    return openLink(
      this.settings.url,
      this.settings.connectTimeoutMs,
      this.settings.wireFactory,
      {
        message: (link, text) => {
          if (this.link === link) this.onReply(text);
        },
        lost: (link, code, reason, cause) => {
          if (this.link === link) this.linkLost(code, reason, cause);
        },
      },
      this.closeController.signal,
    );
  }

  /** Makes an opened link the connection and writes what waited for it. */
  private adopt(link: Link, reconnected: boolean): void {
    this.link = link;
    this.state = 'open';
    while (this.queued.length > 0) {
      const pending = this.queued.shift()!;
      if (!pending.done) this.write(link, pending);
    }
    this.emit('connect', { url: this.settings.url, reconnected });
  }

  private write(link: Link, pending: Pending): void {
    // A request the server would close the connection for (too large) is refused alone, unsent,
    // instead of failing every request in flight with it.
    const refusal = link.wire.refuses?.(pending.text);
    if (refusal !== undefined) {
      this.settle(pending);
      pending.reject(refusal);
      return;
    }
    // Into the FIFO first: a reply can never arrive before the request is written, and if send()
    // throws the request is rejected with the rest of the FIFO when the connection ends.
    this.inFlight.push(pending);
    link.wire.send(pending.text);
  }

  /** The connection ended (closed by either side, or broken). */
  private linkLost(code: number, reason: string, cause: unknown): void {
    this.link = undefined;
    const { url } = this.settings;
    if (this.state === 'closing') {
      this.rejectAll(this.inFlight, this.closedError(true), false);
      this.drained?.();
      this.emit('disconnect', { url, code, reason, willReconnect: false });
      this.linkClosed?.();
      return;
    }
    const tooBig = code === 1009 ? ' — a request was larger than the server accepts (maxPayload)' : '';
    const lost = new ConnectionError(
      `connection to ${url} lost (close code ${code}${reason ? ` "${reason}"` : ''})${tooBig} before the reply arrived; the request may have been executed and was not re-sent`,
      { url, failure: 'lost', sent: true, closeCode: code, closeReason: reason, cause },
    );
    this.rejectAll(this.inFlight, lost, false);
    const willReconnect = this.settings.reconnect !== null;
    this.state = willReconnect ? 'reconnecting' : 'closed';
    this.emit('disconnect', { url, code, reason, willReconnect });
    if (willReconnect) void this.reconnectLoop(this.settings.reconnect!);
    else
      this.finishClose(
        new ConnectionError(`connection to ${url} lost and reconnect is off`, {
          url,
          failure: 'closed',
          closeCode: code,
          closeReason: reason,
        }),
      );
  }

  /** Drops a connection whose replies can no longer be matched to requests. */
  private breakLink(error: ProtocolError): void {
    const link = this.link;
    if (link === undefined) return;
    this.emit('error', error);
    link.wire.terminate();
    // Now, not when the socket reports its close: later messages on it must not be read.
    this.linkLost(1002, 'protocol error', error);
  }

  private async reconnectLoop(policy: ReconnectPolicy): Promise<void> {
    const { url } = this.settings;
    for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
      const delayMs = reconnectDelay(attempt, policy);
      this.emit('reconnecting', { url, attempt, delayMs });
      await this.sleep(delayMs);
      if (this.state !== 'reconnecting') return;
      let link: Link;
      try {
        link = await this.open();
      } catch (error) {
        if (this.state !== 'reconnecting') return;
        this.emit('error', error as ConnectionError);
        continue;
      }
      if (this.state !== 'reconnecting') {
        link.wire.close(1000, 'client closed');
        return;
      }
      this.adopt(link, true);
      return;
    }
    this.finishClose(new ConnectionError(`could not reconnect to ${url} after ${policy.maxAttempts} attempts`, { url, failure: 'closed' }));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }

  private async shutdown(): Promise<void> {
    this.state = 'closing';
    this.wake?.();
    this.closeController.abort();
    this.rejectAll(this.queued, this.closedError(false), false);
    const link = this.link;
    if (link !== undefined) {
      if (this.inFlight.length > 0 && !this.forced) {
        // A reply for each, or the end of the connection, empties the FIFO.
        await new Promise<void>((resolve) => (this.drained = resolve));
        this.drained = undefined;
      }
      if (this.link === link) {
        const closed = new Promise<void>((resolve) => (this.linkClosed = resolve));
        link.wire.close(1000, 'client closed');
        const timer = setTimeout(() => link.wire.terminate(), this.settings.closeTimeoutMs);
        await closed;
        clearTimeout(timer);
      }
    }
    this.finishClose(this.closedError(false));
  }

  /** The client is closed for good: nothing waiting will ever be written. */
  private finishClose(error: ConnectionError): void {
    this.state = 'closed';
    this.rejectAll(this.queued, error, false);
    this.rejectAll(this.inFlight, error, false);
    this.emit('close');
  }

  // ------------------------------------------------------------------------ replies

  /** One message from the server: the reply to the oldest request in flight. */
  private onReply(text: string | undefined): void {
    const pending = this.inFlight.shift();
    if (pending === undefined) {
      this.breakLink(new ProtocolError(`the server sent a message no request was waiting for: ${preview(text ?? '<binary>')}`));
      return;
    }
    if (this.drained !== undefined && this.inFlight.length === 0) this.drained();
    if (pending.done) return; // aborted: its reply is only read to keep the order
    this.settle(pending);
    const outcome = readReply(pending, text);
    if (outcome.ok) {
      pending.resolve(outcome.value);
      return;
    }
    pending.reject(outcome.error);
    if (outcome.breaksLink) this.breakLink(outcome.error);
  }

  // ------------------------------------------------------------------------ helpers

  private settle(pending: Pending): void {
    pending.done = true;
    if (pending.signal !== undefined) this.watches.unwatch(pending.signal, pending);
  }

  /** Rejects every unsettled request of `queue`; `keep` leaves them queued so that their replies are still read. */
  private rejectAll(queue: Denque<Pending>, error: ConnectionError, keep: boolean): void {
    if (keep) {
      for (let i = 0; i < queue.length; i++) {
        const pending = queue.get(i)!;
        if (pending.done) continue;
        this.settle(pending);
        pending.reject(error);
      }
      return;
    }
    while (queue.length > 0) {
      const pending = queue.shift()!;
      if (pending.done) continue;
      this.settle(pending);
      pending.reject(error);
    }
  }

  private closedError(sent: boolean): ConnectionError {
    return new ConnectionError(
      sent ? 'the client was closed before the reply arrived' : 'the client was closed before the request was sent',
      { url: this.settings.url, failure: 'closed', sent },
    );
  }

  private unavailable(state: ClientStatus): ConnectionError {
    const { url } = this.settings;
    switch (state) {
      case 'idle':
        return new ConnectionError(`not connected to ${url}: call connect() first`, { url, failure: 'offline' });
      case 'connecting':
      case 'reconnecting':
        return new ConnectionError(`not connected to ${url} (${state}) and queueWhileDisconnected is off`, { url, failure: 'offline' });
      default:
        return new ConnectionError(`the client for ${url} is closed`, { url, failure: 'closed' });
    }
  }

  /**
   * Emits an event without letting a throwing listener break the transport's state: the error
   * is re-thrown on its own, where it is reported as uncaught.
   */
  private emit<E extends keyof ClientEvents>(event: E, ...args: ClientEvents[E]): void {
    try {
      (this.events.emit as (event: E, ...args: ClientEvents[E]) => boolean)(event, ...args);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
