import {
  JsonDecodeError,
  Status,
  checkRequest,
  decode,
  isJsonObject,
  errorReplyBody,
  sharedSessionName,
  type CommandName,
} from '@nemesisdb/protocol';
import { createRequire } from 'node:module';
import type { Clock } from './clock.js';
import type { CommandContext } from './commands/command.js';
import { journalCommand, type JournalFailure, type JournalSink } from './dispatch/journal-sink.js';
import {
  DISABLED_BODY,
  JSON_INVALID,
  MEMORY_FULL_BODY,
  NOT_ONE_COMMAND,
  type Reply,
  SYNTAX_BODY,
  failureReply,
  routeReply,
  statusReply,
  unknownCommand,
} from './dispatch/reply.js';
import { ROUTES, type Route } from './dispatch/routes.js';
import { isPromise, type MaybePromise } from './maybe-promise.js';
import { JsonPathError } from './kv/jsonpath.js';
import { noPersistence, type Persistence } from './persistence.js';
import { ErrReply, type Envelope, type ReplyBody } from './replies.js';
import type { Scheduler } from './scheduler.js';
import { MemoryGuard } from './memory-guard.js';
import { MemoryStore } from './store/memory/memory-store.js';
import type { DataStore, StoreStats } from './store/store.js';

export { MEMORY_FULL_MESSAGE } from './dispatch/reply.js';
export type { JournalFailure, JournalSink } from './dispatch/journal-sink.js';

/** How requests are read: exact numbers, and the `keys` maps of a body without a prototype (see `requestMaps`). */
const REQUEST_DECODING = { exactNumbers: true, requestMaps: true } as const;

/** The NemesisDB version whose wire protocol this engine speaks: what SV_INFO reports by default. */
export const PROTOCOL_VERSION = '0.7.4';

/**
 * The engine package's own version (for logs and `/health`). Read at run time (from `src/` in
 * tests and from `dist/` when built, both one level below package.json).
 */
export const ENGINE_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

export interface EngineOptions {
  /** Where the data lives; defaults to a {@link MemoryStore} using `clock` and `scheduler`. */
  store?: DataStore;
  /** Clock of the default store (tests inject a `ManualClock`). */
  clock?: Clock;
  /** Timers of the default store. */
  scheduler?: Scheduler;
  /** Where SAVE/LOAD go; defaults to none (saving disabled, nothing to load). */
  persistence?: Persistence;
  /**
   * `serverVersion` in SV_INFO; defaults to {@link PROTOCOL_VERSION}, the version whose protocol
   * this engine speaks (docs/reference/protocol.md §8), so that v0.7.4 clients see the server they expect.
   */
  serverVersion?: string;
  /** Our extensions to v0.7.4 (shared sessions, SH_OPEN); default on. Off: answers exactly as v0.7.4. */
  extensions?: boolean;
  /** Refuse commands that add data while the heap in use is above this many bytes (see `MemoryGuard`). */
  maxDataBytes?: number;
  /** Told when the memory ceiling is reached and left (a log line). */
  onMemoryLimit?: (reached: boolean, usedBytes: number) => void;
  /**
   * Told of every exception a command raised (the client gets status 1000 and nothing more): a
   * bug, or a store that failed (e.g. a Redis cluster during a failover). For a log line.
   */
  onCommandError?: (error: unknown, command: string) => void;
}

/** How many replies of each status a command gave; requests that named no command count as `ERR`. */
export interface CommandCount {
  command: CommandName | 'ERR';
  st: number;
  count: number;
}

/** The pipeline key of an SH_NEW: a session no request before it can name. */
const NEW_SESSION = Symbol('new session');

/**
 * The NemesisDB database: takes a request and returns its response, exactly as docs/reference/protocol.md
 * specifies. Knows nothing of sockets; one engine serves every connection.
 *
 * ```ts
 * const engine = new Engine();
 * engine.execute('{"SH_NEW":{}}'); // '{"SH_NEW_RSP":{"st":1,"tkn":16351792548006066062}}'
 * ```
 *
 * Replies are synchronous with the in-memory store; with an asynchronous store or persistence
 * some are promises. Callers must keep replies in request order per connection.
 */
export class Engine {
  readonly store: DataStore;
  private readonly context: CommandContext;
  /** Replies by command and status, for metrics: `counts.get(command)[st]`. */
  private readonly counts = new Map<string, Map<number, number>>();
  private journal: JournalSink | null = null;
  private readonly memory: MemoryGuard | null;
  private readonly onCommandError: EngineOptions['onCommandError'];
  /** The store keeps the order of one session's calls issued before the previous ones complete. */
  private readonly pipelinesSessions: boolean;
  /** …and requests on different sessions may be in flight together (`DataStore.pipelinesAcrossSessions`). */
  private readonly pipelinesAcrossSessions: boolean;
  private lastKey: unknown = null;
  /** Set while `replay` dispatches a journal record. */
  private replaying = false;

  constructor(options: EngineOptions = {}) {
    this.store = options.store ?? new MemoryStore({ clock: options.clock, scheduler: options.scheduler });
    this.context = {
      store: this.store,
      persistence: options.persistence ?? noPersistence,
      serverVersion: options.serverVersion ?? PROTOCOL_VERSION,
      // A store without shared sessions (createShared/openShared) runs with them off.
      extensions: (options.extensions ?? true) && this.store.sessions.createShared !== undefined,
    };
    this.onCommandError = options.onCommandError;
    this.pipelinesSessions = this.store.pipelinesSessions === true;
    this.pipelinesAcrossSessions = this.pipelinesSessions && this.store.pipelinesAcrossSessions === true;
    this.memory =
      options.maxDataBytes === undefined
        ? null
        : new MemoryGuard(options.maxDataBytes, (reached, used) => options.onMemoryLimit?.(reached, used));
    this.store.sessions.onExpired = (token) => {
      this.journal?.expired(token);
      this.memory?.released();
    };
  }

  /** The reply to an exception inside a command, which is reported (unless it is a status reply). */
  private failure(route: Route, error: unknown): Reply {
    if (error instanceof ErrReply) return statusReply(error.st);
    // KV_UPDATE's answer to a path that does not parse is 1000 (as upstream's): bad input, not a failure.
    if (error instanceof JsonPathError) return failureReply(route);
    try {
      this.onCommandError?.(error, route.name);
    } catch {
      // A failing log call must not turn into a second failure of the command.
    }
    return failureReply(route);
  }

  /** Executes one request given as JSON text and returns the response as JSON text. */
  execute(text: string): MaybePromise<string> {
    this.lastKey = null;
    let request: unknown;
    try {
      request = decode(text, REQUEST_DECODING);
    } catch (error) {
      if (error instanceof JsonDecodeError) return this.write(JSON_INVALID);
      throw error;
    }
    const reply = this.dispatch(request, undefined);
    return isPromise(reply) ? reply.then((ready) => this.write(ready)) : this.write(reply);
  }

  /**
   * The session the last `execute` addressed, when its reply is asynchronous and requests after it
   * on that session may start before it completes (see {@link executeAfter}); null otherwise.
   */
  get pipelineKey(): unknown {
    return this.lastKey;
  }

  /**
   * Executes `text` while requests on the session `key` (a {@link pipelineKey}) are still in
   * flight, if it is a request on that same session that the store orders after them (one store
   * call on one session, on a store with `pipelinesSessions`) or, on a store that
   * `pipelinesAcrossSessions`, such a request on any session or an SH_NEW of an unshared session;
   * returns null, having done nothing, for any other request, which must then wait for the ones
   * in flight. On its session its effects follow theirs, as if it had waited; replies must still
   * be sent in request order.
   */
  executeAfter(text: string, key: unknown): MaybePromise<string> | null {
    if (!this.pipelinesSessions || key === null || key === undefined) return null;
    let request: unknown;
    try {
      request = decode(text, REQUEST_DECODING);
    } catch (error) {
      if (error instanceof JsonDecodeError) return null;
      throw error;
    }
    const reply = this.dispatch(request, key);
    if (reply === null) return null;
    return isPromise(reply) ? reply.then((ready) => this.write(ready)) : this.write(reply);
  }

  /**
   * Executes one decoded request (see `decode` with `exactNumbers`) and returns the response
   * envelope. The engine keeps references to values in the request: do not change them afterwards.
   */
  executeRequest(request: unknown): MaybePromise<Envelope> {
    const reply = this.dispatch(request, undefined);
    if (isPromise(reply)) return reply.then((ready) => this.count(ready).envelope());
    return this.count(reply).envelope();
  }

  /**
   * Applies one decoded journal record (a request): like `executeRequest`, but not counted in
   * `commandCounts`, because replaying the journal at start-up is not traffic.
   */
  replay(request: unknown): MaybePromise<void> {
    // A change the journal recorded is applied whatever the extensions setting is now (a server
    // restarted with --no-extensions keeps an SH_SET_EXPIRY made before). The check is synchronous.
    this.replaying = true;
    let reply: MaybePromise<Reply>;
    try {
      reply = this.dispatch(request, undefined);
    } finally {
      this.replaying = false;
    }
    return isPromise(reply) ? reply.then(() => undefined) : undefined;
  }

  /** Set while the journal cannot be written (changes are refused); null otherwise or without a journal. */
  journalFailure(): JournalFailure | null {
    return this.journal?.failure ?? null;
  }

  /** Whether a journal is attached (persist.journal is on). */
  get journaling(): boolean {
    return this.journal !== null;
  }

  /** Replies given so far, by command and status (for metrics). */
  commandCounts(): CommandCount[] {
    const counts: CommandCount[] = [];
    for (const [command, byStatus] of this.counts) {
      for (const [st, count] of byStatus) counts.push({ command: command as CommandCount['command'], st, count });
    }
    return counts;
  }

  /**
   * From now on, journal every change that succeeds (see `Journal.open`, which calls this once it
   * has replayed the journal into the engine).
   */
  attachJournal(journal: JournalSink): void {
    this.journal = journal;
  }

  /**
   * With a journal: settles once every change applied so far is as durable as its fsync policy
   * makes it, or null when there is nothing to wait for. A server holds replies until then (group
   * commit). While the journal is failing, only changes applied since are waited for.
   */
  pendingDurability(): Promise<void> | null {
    return this.journal === null ? null : this.journal.durability();
  }

  /** Sizes of the data (sessions, keys, expiries so far). */
  stats(): MaybePromise<StoreStats> {
    return this.store.stats();
  }

  /** Stops the store's timers. The engine must not be used afterwards. */
  close(): MaybePromise<void> {
    this.memory?.dispose();
    return this.store.close();
  }

  private write(reply: Reply): string {
    return this.count(reply).text();
  }

  private count(reply: Reply): Reply {
    let byStatus = this.counts.get(reply.command);
    if (byStatus === undefined) this.counts.set(reply.command, (byStatus = new Map()));
    const st = reply.body.st as number;
    byStatus.set(st, (byStatus.get(st) ?? 0) + 1);
    return reply;
  }

  /**
   * `after` undefined: any request. `after` a pipeline key: null unless the request is a
   * session-scoped command on that session. Records the request's own pipeline key.
   */
  private dispatch(request: unknown, after: undefined): MaybePromise<Reply>;
  private dispatch(request: unknown, after: unknown): MaybePromise<Reply> | null;
  private dispatch(request: unknown, after: unknown): MaybePromise<Reply> | null {
    // docs/reference/protocol.md §3: one object with exactly one member, the command.
    const pipelined = after !== undefined;
    if (!isJsonObject(request)) return pipelined ? null : NOT_ONE_COMMAND;
    let name: string | undefined;
    for (const member in request) {
      if (name !== undefined) return pipelined ? null : NOT_ONE_COMMAND;
      name = member;
    }
    if (name === undefined) return pipelined ? null : NOT_ONE_COMMAND;

    const body = request[name];
    const route = ROUTES.get(name);
    if (route === undefined) return pipelined ? null : unknownCommand(name, body);
    if (!isJsonObject(body)) return pipelined ? null : routeReply(route, SYNTAX_BODY);
    if (!this.pipelinesSessions) return this.run(route, body);
    const { sessionScoped, createsSession } = route.definition;
    const key = sessionScoped ? (body as { tkn?: unknown }).tkn : undefined;
    let sessionKey: unknown = typeof key === 'bigint' || typeof key === 'number' ? key : null;
    // A shared SH_NEW claims a name an SH_OPEN may be about to look up: it waits its turn.
    if (createsSession && this.pipelinesAcrossSessions && sharedSessionName(body) === undefined) sessionKey = NEW_SESSION;
    if (pipelined && (sessionKey === null || (sessionKey !== after && !this.pipelinesAcrossSessions))) return null;
    const reply = this.run(route, body);
    this.lastKey = isPromise(reply) ? sessionKey : null;
    return reply;
  }

  private run(route: Route, body: object): MaybePromise<Reply> {
    const { definition, name } = route;
    if (definition.extension && !this.context.extensions && !this.replaying) return unknownCommand(name, body);
    if (definition.requiresPersistence && !this.context.persistence.enabled) return routeReply(route, DISABLED_BODY);
    const check = checkRequest(name, body);
    if (!check.ok) return routeReply(route, errorReplyBody(check.st, check.m));
    if (definition.grows && this.memory?.full) return routeReply(route, MEMORY_FULL_BODY);
    // Refused before it is applied: a change the journal cannot record must not be seen either.
    const journalFailure = definition.journaled ? this.journal?.failure : null;
    if (journalFailure) return routeReply(route, errorReplyBody(Status.Unknown, journalFailure.message));

    let result: MaybePromise<ReplyBody>;
    try {
      result = definition.run(check.body as never, this.context);
    } catch (error) {
      return this.failure(route, error);
    }
    if (isPromise(result)) {
      return result.then(
        (ready) => this.done(route, check.body, ready),
        (error: unknown) => this.failure(route, error),
      );
    }
    return this.done(route, check.body, result);
  }

  /** A command's body is ready: journal it if it changed data, and make the reply. */
  private done(route: Route, request: object, body: ReplyBody): Reply {
    // A change that adds nothing frees something (a delete, a clear): the memory guard may look again.
    if (this.memory !== null && route.definition.journaled && !route.definition.grows) this.memory.released();
    if (this.journal !== null) journalCommand(this.journal, route, request, body);
    return routeReply(route, body);
  }
}
