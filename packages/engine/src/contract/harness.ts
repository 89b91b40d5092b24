import type { JsonValue } from '@nemesisdb/protocol';

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
