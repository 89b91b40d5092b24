import { EventEmitter } from 'eventemitter3';
import { TOKEN_COMMANDS, readToken, type CommandName, type RequestInput } from '@nemesisdb/protocol';
import { reconnectPolicy, type ReconnectOptions } from './backoff.js';
import { CommandRunner, type RequestOptions, type SuccessBody } from './command.js';
import { defaultWireFactory } from './default-websocket.js';
import type { ClientEvents } from './events.js';
import { KeyValueStore } from './kv.js';
import { ServerCommands } from './server-commands.js';
import { Sessions } from './sessions.js';
import { Transport, type ClientStatus } from './transport.js';
import { standardWireFactory, type AccessOptions, type WebSocketConstructor } from './wire.js';

/** Options of {@link NemesisClient}. */
export interface ClientOptions {
  /**
   * Reconnect after losing the connection: `true` (the default) with capped exponential backoff
   * and jitter, an object to tune it, or `false` to close the client instead. Requests in flight
   * when the connection drops are rejected either way, never re-sent. The first connection is
   * not retried: `connect()` rejects if the server cannot be reached.
   */
  reconnect?: boolean | ReconnectOptions;
  /** How long opening a connection may take, in ms. Default 10 000. */
  connectTimeoutMs?: number;
  /**
   * Accept requests while (re)connecting and send them once connected — safe, since they were
   * never written. Default true; false rejects them at once with a ConnectionError (`'offline'`).
   */
  queueWhileDisconnected?: boolean;
  /** How long `close()` waits for the server's close handshake before cutting the socket, in ms. Default 5 000. */
  closeTimeoutMs?: number;
  /**
   * A WebSocket class with the standard API to use instead of the default (`ws` in Node, the
   * global `WebSocket` in browsers).
   */
  WebSocket?: WebSocketConstructor;
  /**
   * The bearer token of a server that requires one: sent in an `Authorization` header in Node,
   * as a `token` query parameter in browsers (which cannot set WebSocket headers).
   */
  token?: string;
  /** Node only: TLS settings for `wss://`, e.g. `{ ca: readFileSync('ca.pem') }` for a private CA. */
  tls?: AccessOptions['tls'];
}

/** Options of {@link NemesisClient.close}. */
export interface CloseOptions {
  /** Reject requests in flight at once instead of waiting for their replies. Default false. */
  force?: boolean;
}

function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`not a URL: ${JSON.stringify(url)} (expected e.g. ws://127.0.0.1:1987)`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new TypeError(`expected a ws:// or wss:// URL, got ${JSON.stringify(url)}`);
  }
  return url;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a finite number > 0 (got ${value})`);
  return value;
}

/**
 * Writes tokens given as strings in a raw command as integer literals, as v0.7.4 requires (it
 * rejects quoted tokens). Anything that is not a token is left for the server to judge.
 */
function withIntegerTokens(command: CommandName, body: object): object {
  const record = body as Record<string, unknown>;
  let result = record;
  if (TOKEN_COMMANDS.has(command) && typeof record.tkn === 'string') {
    const tkn = readToken(record.tkn);
    if (tkn !== undefined) result = { ...result, tkn };
  }
  if ((command === 'SH_EXISTS' || command === 'SH_SAVE') && Array.isArray(record.tkns)) {
    const tkns: unknown[] = record.tkns.map((item: unknown) => (typeof item === 'string' ? (readToken(item) ?? item) : item));
    result = { ...result, tkns };
  }
  return result;
}

/**
 * A NemesisDB client: one WebSocket connection, any number of requests in flight on it (replies
 * are matched by order), reconnects with backoff, exact 64-bit tokens and integers.
 *
 * ```ts
 * const db = await NemesisClient.connect('ws://127.0.0.1:1987');
 * const s = await db.sessions.create({ durationSeconds: 60, deleteSessionOnExpire: true });
 * await s.set({ cart: ['apple'] });
 * const { cart } = await s.get(['cart']);
 * await db.close();
 * ```
 *
 * Failures: a {@link NemesisError} when the server answers with a non-success status, a
 * {@link ConnectionError} when there is no answer, a {@link ProtocolError} when the answer is
 * unreadable, and the signal's reason when a call is aborted.
 */
export class NemesisClient {
  /** Opens a client and resolves once it is connected; rejects with a ConnectionError if it cannot connect. */
  static async connect(url: string, options?: ClientOptions): Promise<NemesisClient> {
    return new NemesisClient(url, options).connect();
  }

  /** The server URL. */
  readonly url: string;
  /** Sessions: create, open, exists, infoAll, endAll, save, load. */
  readonly sessions: Sessions;
  /** Independent keys (KV commands). */
  readonly kv: KeyValueStore;
  /** The server itself: info. */
  readonly server: ServerCommands;

  private readonly events = new EventEmitter<ClientEvents>();
  private readonly transport: Transport;
  private readonly runner: CommandRunner;

  /**
   * Creates a client without connecting, so that listeners can be attached before the first
   * `connect` event; then call {@link connect}. {@link NemesisClient.connect} does both.
   *
   * @throws TypeError for a URL that is not `ws://` or `wss://`; RangeError for bad options.
   */
  constructor(url: string, options: ClientOptions = {}) {
    this.url = checkUrl(url);
    const { WebSocket } = options;
    this.transport = new Transport(
      {
        url,
        reconnect: options.reconnect === false ? null : reconnectPolicy(options.reconnect === true ? {} : options.reconnect),
        connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs, 10_000),
        closeTimeoutMs: positive('closeTimeoutMs', options.closeTimeoutMs, 5_000),
        queueWhileDisconnected: options.queueWhileDisconnected ?? true,
        wireFactory:
          WebSocket === undefined
            ? (target) => defaultWireFactory(target, { token: options.token, tls: options.tls })
            : () => Promise.resolve(standardWireFactory(WebSocket, { token: options.token })),
      },
      this.events,
    );
    this.runner = new CommandRunner(this.transport);
    this.sessions = new Sessions(this.runner);
    this.kv = new KeyValueStore(this.runner);
    this.server = new ServerCommands(this.runner);
  }

  /** Where the client is: `'idle'`, `'connecting'`, `'open'`, `'reconnecting'`, `'closing'` or `'closed'`. */
  get status(): ClientStatus {
    return this.transport.status;
  }

  /** Requests written to the connection whose replies have not arrived yet. */
  get pending(): number {
    return this.transport.inFlightCount;
  }

  /**
   * Opens the connection; resolves with the client once it is open. Call it once.
   *
   * @throws ConnectionError (as a rejection) when the server cannot be reached.
   */
  async connect(): Promise<this> {
    await this.transport.connect();
    return this;
  }

  /**
   * Sends any command of the protocol as it is written on the wire and resolves with its success
   * body (tokens as `bigint`). Tokens given as decimal strings are sent as integer literals.
   *
   * ```ts
   * const { tkn } = await db.command('SH_NEW', { expiry: { duration: 60 } });
   * ```
   */
  command<C extends CommandName>(command: C, body: RequestInput<C>, options?: RequestOptions): Promise<SuccessBody<C>> {
    return this.runner.run(command, withIntegerTokens(command, body as object), options);
  }

  /**
   * Sends one text message exactly as written and resolves with the reply exactly as it arrived
   * (its text, whatever its envelope: `<CMD>_RSP` or `ERR`). Nothing is checked, rewritten or
   * decoded: for tools that show the wire as it is, such as a terminal client. Replies are
   * matched by order, so raw and typed calls can be mixed on one client.
   *
   * ```ts
   * const reply = await db.sendRaw('{"SH_NEW":{}}'); // '{"SH_NEW_RSP":{"st":1,"tkn":16351792548006066062}}'
   * ```
   *
   * @throws ConnectionError (as a rejection) when there is no reply; ProtocolError for a binary reply.
   */
  sendRaw(text: string, options?: RequestOptions): Promise<string> {
    if (typeof text !== 'string') return Promise.reject(new TypeError('sendRaw() takes the request as a string'));
    return this.transport.requestText(text, options?.signal);
  }

  /** Adds a listener for an event (`connect`, `disconnect`, `reconnecting`, `error`, `close`). */
  on<E extends keyof ClientEvents>(event: E, listener: (...args: ClientEvents[E]) => void): this {
    this.events.on(event, listener as never);
    return this;
  }

  /** Adds a listener called at most once. */
  once<E extends keyof ClientEvents>(event: E, listener: (...args: ClientEvents[E]) => void): this {
    this.events.once(event, listener as never);
    return this;
  }

  /** Removes a listener added with {@link on} or {@link once}. */
  off<E extends keyof ClientEvents>(event: E, listener: (...args: ClientEvents[E]) => void): this {
    this.events.off(event, listener as never);
    return this;
  }

  /**
   * Closes the client for good. Requests not sent yet are rejected; replies already due are
   * awaited (unless `force`); then the connection is closed with code 1000. Safe to call twice.
   */
  close(options: CloseOptions = {}): Promise<void> {
    return this.transport.close(options.force === true);
  }
}
