import { NemesisClient } from '@nemesisdb/client';
import { clientOptions, describeConnectionError, replySignal, type ConnectionSettings } from './connection.js';

/** What the REPL hears about its connection, to tell the user and redraw the prompt. */
export interface ConnectionNotices {
  lost(message: string): void;
  back(message: string): void;
}

/** How long a command typed while reconnecting waits for the connection to come back. */
const RECONNECT_WAIT_MS = 3_000;

/**
 * The REPL's connection: reconnects in the background (quick, capped backoff) when the server
 * goes away; a command typed meanwhile waits a little for it, and when the client has given up
 * (or never connected), typing a command tries again — as redis-cli does.
 */
export class ReplConnection {
  private client: NemesisClient | undefined;

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly notices: ConnectionNotices,
  ) {}

  get connected(): boolean {
    return this.client?.status === 'open';
  }

  /** Connects; resolves with an error message instead of throwing. */
  async open(): Promise<string | undefined> {
    const client = new NemesisClient(
      this.settings.url,
      clientOptions(this.settings, {
        reconnect: { initialDelayMs: 100, maxDelayMs: 1_000, jitter: 0.2 },
        queueWhileDisconnected: false,
      }),
    );
    client.on('disconnect', ({ code, willReconnect }) => {
      if (willReconnect) this.notices.lost(`connection to ${this.settings.url} lost (close code ${code}); reconnecting…`);
    });
    client.on('connect', ({ reconnected }) => {
      if (reconnected) this.notices.back(`reconnected to ${this.settings.url}`);
    });
    client.on('close', () => {
      if (this.client === client) this.client = undefined;
    });
    try {
      await client.connect();
    } catch (error) {
      return describeConnectionError(error);
    }
    this.client = client;
    return undefined;
  }

  /**
   * Sends one request and resolves with the reply text; rejects with a message for a person.
   * `interrupt` (Ctrl-C) stops the wait: the reply, when it comes, is dropped.
   */
  async send(text: string, interrupt?: AbortSignal): Promise<string> {
    if (this.client === undefined) {
      const failure = await this.open();
      if (failure !== undefined) throw new Error(failure);
    }
    const client = this.client!;
    if (client.status === 'reconnecting') await this.waitForConnect(client);
    try {
      return await client.sendRaw(text, { signal: replySignal(this.settings, interrupt) });
    } catch (error) {
      // Larger than the server reads: refused unsent by the SDK, the connection kept; its own
      // message says so.
      if (error instanceof RangeError) throw error;
      // e.g. the server closed the connection with the request in flight: the SDK's message
      // says so, and that the request may have run.
      throw new Error(describeConnectionError(error));
    }
  }

  private waitForConnect(client: NemesisClient): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        client.off('connect', onConnect);
        reject(
          new Error(`not connected: ${this.settings.url} is not answering (still trying in the background; the command was not sent)`),
        );
      }, RECONNECT_WAIT_MS);
      const onConnect = () => {
        clearTimeout(timer);
        resolve();
      };
      client.once('connect', onConnect);
    });
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.close({ force: true });
  }
}
