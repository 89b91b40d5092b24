import type { CommandName, RequestBody } from '@nemesisdb/protocol';
import type { MaybePromise } from '../maybe-promise.js';
import type { Persistence } from '../persistence.js';
import type { ReplyBody } from '../replies.js';
import type { DataStore } from '../store/store.js';

/** What a command handler works with. */
export interface CommandContext {
  readonly store: DataStore;
  readonly persistence: Persistence;
  readonly serverVersion: string;
  /**
   * Whether our extensions to v0.7.4 are on (shared sessions: `SH_NEW` with `shared: true`,
   * `SH_OPEN`). Off, the engine answers exactly as v0.7.4 does (`SH_OPEN` → 10).
   */
  readonly extensions: boolean;
}

/** How one command is executed once its body passed `checkRequest`. */
export interface CommandDefinition<C extends CommandName = CommandName> {
  /** Which family answers errors for it (KV exceptions use `ERR`, SH ones `CMD_RSP`). */
  readonly family: 'SH' | 'KV' | 'SV';
  /** SAVE commands answer 14 while persistence is disabled, before looking at their body. */
  readonly requiresPersistence?: boolean;
  /** Not a v0.7.4 command: answered 10 (unknown command), before its body is checked, while extensions are off. */
  readonly extension?: boolean;
  /** Changes data: journaled when it succeeds (see `Journal`). */
  readonly journaled?: boolean;
  /** Adds data: refused while `maxDataBytes` is reached. */
  readonly grows?: boolean;
  /** Writes or reads a whole dataset: the journal takes a checkpoint after it succeeds. */
  readonly checkpoints?: boolean;
  /**
   * Touches one session only, named by its `tkn`, with one store call (no step another request
   * could fall between). On a store that keeps the order of such calls per session
   * (`DataStore.pipelinesSessions`), several of them on the same session may be in flight.
   */
  readonly sessionScoped?: boolean;
  /**
   * Creates a session (SH_NEW) with one store call unless the session is shared: one that no
   * earlier request can name, so with `DataStore.pipelinesAcrossSessions` it may be in flight
   * beside requests on other sessions.
   */
  readonly createsSession?: boolean;
  run(body: RequestBody<C>, context: CommandContext): MaybePromise<ReplyBody>;
}

/** A table of command definitions, one per name, checked against the protocol's command list. */
export type CommandTable = { readonly [C in CommandName]: CommandDefinition<C> };
