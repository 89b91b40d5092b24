// The few commands the inspector and the server view send themselves, over a raw connection:
// written with exact token digits, replies read with the lossless decoder (a token above 2^53
// stays exact, an integer value stays a bigint). Status 1 resolves; any other rejects with it.

import { JsonDouble, STATUS_MEANINGS, decode, statusName, type ExactJsonObject, type ExactJsonValue } from '@nemesisdb/protocol/codec';
import type { RawWire } from './raw-wire.js';

/** A reply whose status is not success. */
export class StatusError extends Error {
  constructor(
    readonly command: string,
    readonly status: number,
  ) {
    const name = statusName(status);
    super(`${command}: ${status} ${name ?? '(unknown status)'}${name === undefined ? '' : ` — ${STATUS_MEANINGS[name]}`}`);
  }
}

export function isObject(value: ExactJsonValue | undefined): value is ExactJsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonDouble);
}

/** Sends `{"<command>":<body>}` and resolves with the reply's body when its status is 1. */
export async function call(wire: RawWire, command: string, body: string): Promise<ExactJsonObject> {
  const { text } = await wire.send(`{"${command}":${body}}`);
  const reply = decode(text);
  const inner = isObject(reply) ? (reply[`${command}_RSP`] ?? reply.ERR) : undefined;
  if (!isObject(inner) || typeof inner.st !== 'number') throw new Error(`${command}: unreadable reply ${text.slice(0, 120)}`);
  if (inner.st !== 1) throw new StatusError(command, inner.st);
  return inner;
}
