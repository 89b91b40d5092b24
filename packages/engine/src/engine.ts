import {
  JsonDecodeError,
  Status,
  checkRequest,
  decode,
  encode,
  type CommandName,
} from '@nemesisdb/protocol';
import { createRequire } from 'node:module';
import type { Clock } from './clock.js';
import type { CommandContext, CommandDefinition } from './commands/command.js';
import { COMMAND_TABLE } from './commands/table.js';
import { isPromise, type MaybePromise } from './maybe-promise.js';
import { isJsonObject } from './objects.js';
import { noPersistence, type Persistence } from './persistence.js';
import { ErrReply, errEnvelope, errorBody, type Envelope, type ResponseBody } from './replies.js';
import type { Scheduler } from './scheduler.js';
import { MemoryStore } from './store/memory/memory-store.js';
import type { DataStore } from './store/store.js';

/**
 * The version this engine reports in SV_INFO unless told otherwise: the package's own. Read at run
 * time (from `src/` in tests and from `dist/` when built, both one level below package.json).
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
  /** `serverVersion` in SV_INFO; defaults to {@link ENGINE_VERSION}. */
  serverVersion?: string;
}

const JSON_INVALID = errEnvelope(Status.JsonInvalid);
const NOT_ONE_COMMAND = errEnvelope(Status.CommandSyntax);
const KV_NOT_EXIST = errEnvelope(Status.CommandNotExist);
const KV_FAILED = errEnvelope(Status.Unknown);
const SYNTAX_BODY = errorBody(Status.CommandSyntax);
const NOT_EXIST_BODY = errorBody(Status.CommandNotExist);
const FAILED_BODY = errorBody(Status.Unknown);
const DISABLED_BODY: ResponseBody = { m: '', st: Status.CommandDisabled };

/** Precomputed per command: its definition and its response name. */
interface Route {
  readonly name: CommandName;
  readonly responseName: string;
  readonly definition: CommandDefinition;
}

const ROUTES = new Map<string, Route>(
  Object.entries(COMMAND_TABLE).map(([name, definition]) => [
    name,
    { name: name as CommandName, responseName: `${name}_RSP`, definition: definition as CommandDefinition },
  ]),
);

/**
 * The NemesisDB database: takes a request and returns its response, exactly as PROTOCOL.md
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

  constructor(options: EngineOptions = {}) {
    this.store = options.store ?? new MemoryStore({ clock: options.clock, scheduler: options.scheduler });
    this.context = {
      store: this.store,
      persistence: options.persistence ?? noPersistence,
      serverVersion: options.serverVersion ?? ENGINE_VERSION,
    };
  }

  /** Executes one request given as JSON text and returns the response as JSON text. */
  execute(text: string): MaybePromise<string> {
    let request: unknown;
    try {
      request = decode(text, { exactNumbers: true });
    } catch (error) {
      if (error instanceof JsonDecodeError) return encode(JSON_INVALID);
      throw error;
    }
    const reply = this.executeRequest(request);
    return isPromise(reply) ? reply.then(encode) : encode(reply);
  }

  /**
   * Executes one decoded request (see `decode` with `exactNumbers`) and returns the response
   * envelope. The engine keeps references to values in the request: do not change them afterwards.
   */
  executeRequest(request: unknown): MaybePromise<Envelope> {
    // PROTOCOL.md §3: one object with exactly one member, the command.
    if (!isJsonObject(request)) return NOT_ONE_COMMAND;
    let name: string | undefined;
    for (const member in request) {
      if (name !== undefined) return NOT_ONE_COMMAND;
      name = member;
    }
    if (name === undefined) return NOT_ONE_COMMAND;

    const body = request[name];
    const route = ROUTES.get(name);
    if (route === undefined) return this.unknownCommand(name, body);
    if (!isJsonObject(body)) return { [route.responseName]: SYNTAX_BODY };
    return this.run(route, body);
  }

  /** Stops the store's timers. The engine must not be used afterwards. */
  close(): MaybePromise<void> {
    return this.store.close();
  }

  private unknownCommand(name: string, body: unknown): Envelope {
    const responseName = `${name}_RSP`;
    // The body is checked before the name (§3 steps 4–6); each family answers "no such command"
    // in its own envelope, and upstream's cached-name defect (§14 D1) is not reproduced.
    if (!isJsonObject(body)) return { [responseName]: SYNTAX_BODY };
    const underscore = name.indexOf('_');
    if (underscore < 0) return { [responseName]: SYNTAX_BODY };
    if (name.slice(0, underscore) === 'KV') return KV_NOT_EXIST;
    return { [responseName]: NOT_EXIST_BODY };
  }

  private run(route: Route, body: object): MaybePromise<Envelope> {
    const { definition, responseName } = route;
    if (definition.requiresPersistence && !this.context.persistence.enabled) {
      return { [responseName]: DISABLED_BODY };
    }
    const check = checkRequest(route.name, body);
    if (!check.ok) return { [responseName]: errorBody(check.st, check.m) };

    const fail = (error: unknown): Envelope => this.failure(route, error);
    let reply: MaybePromise<ResponseBody>;
    try {
      reply = definition.run(check.body as never, this.context);
    } catch (error) {
      return fail(error);
    }
    if (isPromise(reply)) return reply.then((result) => ({ [responseName]: result }), fail);
    return { [responseName]: reply };
  }

  /** An exception inside a command: KV answers `ERR` 1000, SH and SV their own form A (§3 step 7). */
  private failure(route: Route, error: unknown): Envelope {
    if (error instanceof ErrReply) return errEnvelope(error.st);
    return route.definition.family === 'KV' ? KV_FAILED : { [route.responseName]: FAILED_BODY };
  }
}
