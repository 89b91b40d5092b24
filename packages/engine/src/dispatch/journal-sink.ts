import { Status, encode } from '@nemesisdb/protocol';
import type { ReplyBody } from '../replies.js';
import type { Route } from './routes.js';

/** Where the engine journals changes (implemented by `Journal`). */
export interface JournalSink {
  append(record: string): Promise<void> | undefined;
  expired(token: bigint): void;
  durability(): Promise<void> | null;
  compact(): Promise<void>;
  /** Set while the journal cannot be written: every change is refused before it is applied. */
  readonly failure?: JournalFailure | null;
}

/** Why changes are being refused: the journal cannot be written (a full or failing disk). */
export interface JournalFailure {
  /** e.g. `ENOSPC: no space left on device`. */
  readonly cause: string;
  /** When it started (ms since the epoch). */
  readonly since: number;
  /** The `m` of the refusals. */
  readonly message: string;
}

/**
 * The durability path of a command that completed: a change that succeeded is appended to the
 * journal, and a dataset save or load has the journal take a checkpoint. Failures to append are
 * the journal's to report (through `failure`), not the command's.
 */
export function journalCommand(journal: JournalSink, route: Route, request: object, body: ReplyBody): void {
  const { definition } = route;
  if (!definition.journaled && !definition.checkpoints) return;
  const st = body.st;
  if (st !== Status.Ok && st !== Status.LoadComplete && st !== Status.SaveComplete) return;
  if (definition.journaled) {
    // SH_NEW is journaled with the token it produced, so a replay recreates that session, and
    // with whether it became shared (the reply names it), whatever the extensions setting is then.
    const record = route.name === 'SH_NEW' ? { ...request, shared: body.name !== undefined, tkn: body.tkn } : request;
    journal.append(route.requestPrefix + encode(record) + '}')?.catch(() => {});
  }
  if (definition.checkpoints) void journal.compact();
}
