import { decode, isSuccess, statusName, isJsonObject } from '@nemesisdb/protocol';
import type { Colors } from './colors.js';
import { prettyJson } from './pretty.js';

/** A reply as the CLI understands it: the text as received and what it says. */
export interface ReadReply {
  /** The reply's text, exactly as it arrived. */
  text: string;
  /** The decoded reply (integers exact), or `undefined` when it is not JSON. */
  value: unknown;
  /** The envelope's name: `SH_NEW_RSP`, `ERR`, … */
  envelope: string | undefined;
  /** The status `st`, when there is one. */
  st: number | undefined;
  /** Whether `st` is the command's success status (1, 121 for SAVE, 141 for LOAD). */
  success: boolean;
  /** The session token in the reply (`tkn`), when it has one. */
  token: bigint | undefined;
}

/** Reads a reply's text: its envelope, status and token. Never throws. */
export function readReply(text: string): ReadReply {
  let value: unknown;
  try {
    value = decode(text, { exactNumbers: true });
  } catch {
    return { text, value: undefined, envelope: undefined, st: undefined, success: false, token: undefined };
  }
  const names = isJsonObject(value) ? Object.keys(value) : [];
  const envelope = names.length === 1 ? names[0] : undefined;
  const body = envelope === undefined ? undefined : (value as Record<string, unknown>)[envelope];
  const st = isJsonObject(body) && typeof body.st === 'number' ? body.st : undefined;
  const command = envelope?.endsWith('_RSP') ? envelope.slice(0, -4) : undefined;
  const success = st !== undefined && command !== undefined && isSuccess(command, st);
  let token: bigint | undefined;
  if (
    isJsonObject(body) &&
    (typeof body.tkn === 'bigint' || (typeof body.tkn === 'number' && Number.isInteger(body.tkn) && body.tkn >= 0))
  ) {
    token = BigInt(body.tkn);
  }
  return { text, value, envelope, st, success, token };
}

/** `1 Ok`, `100 SessionNotExist`: the status number and its name from the protocol's table. */
export function statusLabel(st: number | undefined): string {
  if (st === undefined) return 'no status';
  return `${st} ${statusName(st) ?? 'UnknownStatus'}`;
}

/**
 * A reply for a person: a line with the coloured status, the envelope and the token's variable
 * (`tokenIndex`, when the reply brought a token), then the reply as indented JSON.
 */
export function describeReply(reply: ReadReply, c: Colors, tokenIndex?: number): string {
  if (reply.value === undefined) {
    return `${c.red('the server sent text that is not JSON:')}\n${reply.text}`;
  }
  const status = statusLabel(reply.st);
  const head = [reply.success ? c.green(c.bold(status)) : c.red(c.bold(status))];
  if (reply.envelope !== undefined) head.push(c.dim(reply.envelope));
  if (tokenIndex !== undefined) head.push(c.dim(`tkn → $tkn, $${tokenIndex}`));
  return `${head.join('  ')}\n${prettyJson(reply.value, c)}`;
}
