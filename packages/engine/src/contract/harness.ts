import type { JsonValue } from '@nemesisdb/protocol';
import { expect, it } from 'vitest';

/**
 * What the contract tests need of an engine under test: requests in, replies out, over whatever
 * data store it runs on. Each call of the factory given to a contract must return an engine with
 * no sessions and no KV keys that other tests can see (a fresh store, or a fresh key prefix).
 */
export interface ContractHarness {
  /** Sends a request (JSON text) and returns the reply text exactly as the engine wrote it. */
  text(request: string): Promise<string>;
  /** Sends a request (text, or a value written with JSON.stringify) and decodes the reply (`exactNumbers` off: bigints beyond 2^53). */
  send(request: string | object): Promise<Record<string, Record<string, JsonValue>>>;
  /** The body of the reply, checking its envelope name (`<command>_RSP`). */
  body(command: string, request: string | object): Promise<Record<string, JsonValue>>;
  /** Creates a session (with `expiry` if given) and returns its token as JSON text. */
  session(expiry?: object): Promise<string>;
}

/** A listing whose order the protocol leaves open, sorted for comparison. */
export function sortedListing(body: Record<string, JsonValue>, member: string): Record<string, JsonValue> {
  return { ...body, [member]: [...(body[member] as string[])].sort() };
}

/** A request body (JSON text) and the reply body it must get. */
type Answer = readonly [body: string, expected: object];

/**
 * One test per case: `command` with each body answers the body given (the parameter checks,
 * mostly). `title` is formatted as by `it.each`, with the body and the answer.
 */
export function answersEach(open: () => ContractHarness, command: string, cases: readonly Answer[], title = 'answers %s with %j'): void {
  it.each(cases as Answer[])(title, async (body, expected) => {
    expect(await open().body(command, `{"${command}":${body}}`)).toEqual(expected);
  });
}

/** {@link answersEach} for cases of several commands: `[command, body, answer]`. */
export function commandsAnswerEach(open: () => ContractHarness, cases: readonly (readonly [command: string, ...Answer])[]): void {
  it.each(cases as [string, string, object][])('%s %s → %j', async (command, body, expected) => {
    expect(await open().body(command, `{"${command}":${body}}`)).toEqual(expected);
  });
}

/**
 * A token (JSON text) as the harness decodes it in a reply: a `number` up to 2^53 − 1, a `bigint`
 * above (one random token in 2,048 is below 2^53).
 */
export function decodedToken(tkn: string): number | bigint {
  const token = BigInt(tkn);
  return token <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(token) : token;
}

/** Whether SH_EXISTS sees the session (expired ones are not seen). */
export async function sessionVisible(h: ContractHarness, tkn: string): Promise<boolean> {
  const reply = await h.body('SH_EXISTS', `{"SH_EXISTS":{"tkns":[${tkn}]}}`);
  return (reply.exist as unknown[]).length === 1;
}

/** SH_COUNT of the session, or null when it answers that there is no such session. */
export async function sessionKeyCount(h: ContractHarness, tkn: string): Promise<number | null> {
  const reply = await h.body('SH_COUNT', `{"SH_COUNT":{"tkn":${tkn}}}`);
  return reply.st === 1 ? (reply.cnt as number) : null;
}
