import { decode, isJsonObject } from '@nemesisdb/protocol';
import { ProtocolError } from './errors.js';
import type { Pending, Reply } from './pending.js';

/**
 * What one message from the server means for the request it answers: a value to resolve it with,
 * or an error to reject it with — and whether the connection must be dropped because its replies
 * no longer match the requests (a reply in another envelope than the one expected).
 */
export type ReplyOutcome = { ok: true; value: Reply | string } | { ok: false; error: ProtocolError; breaksLink: boolean };

/** Shows the start of a message in an error, without flooding logs with a large value. */
export function preview(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

/** Reads `text` (undefined: a binary message) as the reply to `pending`. */
export function readReply(pending: Pending, text: string | undefined): ReplyOutcome {
  const { command, responseName } = pending;
  if (text === undefined) {
    return {
      ok: false,
      error: new ProtocolError(`the server answered ${command ?? 'a raw request'} with a binary message`, command),
      breaksLink: false,
    };
  }
  if (responseName === undefined) return { ok: true, value: text }; // raw: the caller reads the text itself
  let reply: unknown;
  try {
    reply = decode(text, { fromServer: true });
  } catch (error) {
    // Still one message for one request, so the order holds: only this request fails.
    return { ok: false, error: new ProtocolError(`unreadable reply to ${command}: ${preview(text)}`, command, error), breaksLink: false };
  }
  if (isJsonObject(reply)) {
    const body = reply[responseName];
    if (body !== undefined) return { ok: true, value: { envelope: 'response', body } };
    if (reply.ERR !== undefined) return { ok: true, value: { envelope: 'ERR', body: reply.ERR } };
  }
  return {
    ok: false,
    error: new ProtocolError(`expected ${responseName} but the server sent ${preview(text)}`, command),
    breaksLink: true,
  };
}
