import { STATUS_MEANINGS, statusName, type CommandName, type StatusName } from '@nemesisdb/protocol';

/*
 * Three kinds of failure, told apart with `instanceof`:
 * - NemesisError: the server answered, with a status that is not success. The request reached the
 *   server and was handled; retrying it unchanged gives the same answer.
 * - ConnectionError: no answer — the connection could not be made, was lost with the request in
 *   flight, or the client was closed. Whether a request in flight was executed is unknown.
 * - ProtocolError: an answer the client cannot read (not JSON, or for another command). It means
 *   a bug or a server that does not speak the v0.7.4 protocol.
 * An aborted call rejects with its signal's `reason` (an `AbortError` DOMException by default).
 */

/** The server answered a command with a status other than success (docs/reference/protocol.md §5). */
export class NemesisError extends Error {
  override readonly name = 'NemesisError';
  /** The status number (`st`), e.g. `100`. */
  readonly status: number;
  /** The status name from `@nemesisdb/protocol`'s `Status`, e.g. `'SessionNotExist'`; `undefined` for a number v0.7.4 never sends. */
  readonly statusName: StatusName | undefined;
  /** The command that failed, e.g. `'SH_GET'`. */
  readonly command: CommandName;
  /** The server's `m` text (`"Missing parameter"`, `"'tkns' empty"`, often `""`). */
  readonly serverMessage: string;
  /** Whether the answer came in the `ERR` envelope (unknown KV command, KV exception) instead of `<CMD>_RSP`. */
  readonly envelope: 'response' | 'ERR';
  /** The whole response body, as decoded (tokens and large integers as `bigint`). */
  readonly response: Readonly<Record<string, unknown>>;

  /** @internal Built by the client from a reply; users only catch it. */
  constructor(command: CommandName, body: Readonly<Record<string, unknown>>, envelope: 'response' | 'ERR') {
    const status = typeof body.st === 'number' ? body.st : Number.NaN;
    const name = statusName(status);
    const serverMessage = typeof body.m === 'string' ? body.m : '';
    const meaning = name === undefined ? 'unknown status' : `${name}: ${STATUS_MEANINGS[name]}`;
    super(`${command} failed with status ${status} (${meaning})${serverMessage ? ` — "${serverMessage}"` : ''}`);
    this.status = status;
    this.statusName = name;
    this.command = command;
    this.serverMessage = serverMessage;
    this.envelope = envelope;
    this.response = body;
  }
}

/** Why a {@link ConnectionError} happened. */
export type ConnectionFailure =
  /** The connection could not be opened (refused, DNS, handshake failed, timed out). */
  | 'connect'
  /** The connection was lost (or closed by the server) with the request in flight. */
  | 'lost'
  /** The client was closed, or is closing, or gave up reconnecting. */
  | 'closed'
  /** The client is not connected and does not queue requests while disconnected. */
  | 'offline';

/** The options of {@link ConnectionError}. */
export interface ConnectionErrorDetails {
  /** The server URL. */
  url: string;
  /** Why it happened. */
  failure: ConnectionFailure;
  /** Whether the request had been written to the connection (it may then have been executed). */
  sent?: boolean;
  /** The WebSocket close code, when the connection closed (1006 = abnormal closure, 1009 = message too big, …). */
  closeCode?: number;
  /** The WebSocket close reason, when the server gave one. */
  closeReason?: string;
  /** The underlying error (e.g. `ECONNREFUSED`), when there is one. */
  cause?: unknown;
}

/**
 * No reply: the connection could not be made, was lost while the request was in flight, or the
 * client was closed. Requests in flight are never re-sent by the client: when {@link sent} is
 * true the command may or may not have run, and only the caller can decide whether repeating it
 * is safe.
 */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  /** The server URL. */
  readonly url: string;
  /** Why it happened: `'connect'`, `'lost'`, `'closed'` or `'offline'`. */
  readonly failure: ConnectionFailure;
  /** Whether the request had been written to the connection, so that it may have been executed. */
  readonly sent: boolean;
  /** The WebSocket close code, when the connection closed. */
  readonly closeCode: number | undefined;
  /** The WebSocket close reason, when the server gave one. */
  readonly closeReason: string | undefined;

  /** @internal Built by the client; users only catch it. */
  constructor(message: string, details: ConnectionErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.url = details.url;
    this.failure = details.failure;
    this.sent = details.sent ?? false;
    this.closeCode = details.closeCode;
    this.closeReason = details.closeReason;
  }
}

/**
 * The server sent something the client cannot read: text that is not JSON, a reply for another
 * command than the one expected next, a success reply of the wrong shape, or a message nobody
 * asked for. When replies can no longer be matched to requests, the client drops the connection
 * (and reconnects if it may).
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  /** The command whose reply was unreadable, when there was one. */
  readonly command: CommandName | undefined;

  /** @internal Built by the client; users only catch it. */
  constructor(message: string, command?: CommandName, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.command = command;
  }
}
