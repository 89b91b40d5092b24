import {
  commands,
  encode,
  isSuccess,
  isJsonObject,
  type CommandName,
  type DisabledBody,
  type ErrorBody,
  type ResponseBody,
} from '@nemesisdb/protocol';
import { NemesisError, ProtocolError } from './errors.js';
import type { Reply } from './pending.js';
import type { Transport } from './transport.js';

/** Options every call takes. */
export interface RequestOptions {
  /**
   * Aborts the call: it rejects at once with `signal.reason`. A request not written yet is never
   * sent; one already sent cannot be recalled — the server still executes it, and its reply is
   * read and dropped (replies are matched to requests by order). `AbortSignal.timeout(ms)` gives
   * a per-call timeout.
   */
  signal?: AbortSignal;
}

/** The status a command answers on success: 121 for SAVE, 141 for LOAD, 1 for the rest. */
export type SuccessStatus<C extends CommandName> = C extends `${string}_SAVE` ? 121 : C extends `${string}_LOAD` ? 141 : 1;

type WithStatus<Body, S extends number> = Body extends { st: infer T }
  ? S extends T
    ? [T] extends [S]
      ? Body
      : Omit<Body, 'st'> & { st: S }
    : never
  : never;

/** The body of a command's successful response (tokens as `bigint`), as the protocol's schemas parse it. */
export type SuccessBody<C extends CommandName> = WithStatus<Exclude<ResponseBody<C>, ErrorBody | DisabledBody>, SuccessStatus<C>>;

type SafeParse = (
  value: unknown,
) => { success: true; data: unknown } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };

/**
 * Turns a reply into the command's success body, or the error it stands for: any status but
 * success (and anything in the `ERR` envelope) is a {@link NemesisError}; a success body is
 * parsed with the protocol's zod schema, so its type is exact (tokens become `bigint`).
 */
export function interpret<C extends CommandName>(command: C, reply: Reply): SuccessBody<C> {
  const { body } = reply;
  if (!isJsonObject(body) || typeof body.st !== 'number') {
    throw new ProtocolError(`the reply to ${command} has no status`, command);
  }
  if (reply.envelope === 'ERR' || !isSuccess(command, body.st)) {
    throw new NemesisError(command, body, reply.envelope);
  }
  const parsed = (commands[command].response.safeParse as SafeParse)(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');
    throw new ProtocolError(`the reply to ${command} does not have the protocol's shape (${issues})`, command, parsed.error);
  }
  return parsed.data as SuccessBody<C>;
}

/** A command name as the protocol spells them (`SH_GET`): written as it is, inside quotes. */
const PLAIN_NAME = /^[A-Z_]+$/;

/** Sends commands over a transport and interprets their replies; what Sessions, KeyValues and the client share. */
export class CommandRunner {
  /** @internal */
  constructor(private readonly transport: Transport) {}

  /**
   * Sends `{"<command>": body}` and resolves with the success body.
   *
   * @throws TypeError (as a rejection) when `body` cannot be written as JSON (e.g. a cycle).
   */
  run<C extends CommandName>(command: C, body: object, options?: RequestOptions): Promise<SuccessBody<C>> {
    // Not an async function: one promise per request instead of three (async frame, await, the
    // transport's). A sampling heap profile of SH_GET + SH_SET put 1.7 KB per pair here before,
    // 0.7 KB after.
    let text: string;
    try {
      // The envelope written around the body's text: an object with a computed member name, made
      // only to be written, cost ~300 ns a request more (a runtime call to define the member,
      // and one more level for the writer). A name that needs escaping (from an untyped caller)
      // is written by the codec.
      text = PLAIN_NAME.test(command) ? '{"' + command + '":' + encode(body) + '}' : encode({ [command]: body });
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.transport.request(command, text, options?.signal).then((reply) => interpret(command, reply));
  }
}
