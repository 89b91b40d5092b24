import { z } from 'zod';
import { ERR } from '../codec/error-replies.js';
import { st } from './primitives.js';

export { ERR };

/**
 * Envelopes (docs/reference/protocol.md §2.3). A request is `{"<CMD>": {…body…}}`; a response is
 * `{"<CMD>_RSP": {…body…}}` or `{"ERR": {"m": "", "st": N}}`.
 */

/** The name a command's response carries: `SH_NEW` → `SH_NEW_RSP`. */
export function responseName<Command extends string>(command: Command): `${Command}_RSP` {
  return `${command}_RSP`;
}

/** A request as it must arrive: an object with exactly one member, the command. */
export const requestEnvelope = z
  .record(z.string(), z.unknown())
  .refine((value) => Object.keys(value).length === 1, 'a request has exactly one member, the command');

/**
 * Error form A: parameter validation failed, SH session lookup failed, unknown SH command, bad
 * command body or name. `tkn` is `null` even for KV commands (an upstream quirk clients may see).
 */
export const errorBody = z.object({ m: z.string(), st, tkn: z.null() });
export type ErrorBody = z.infer<typeof errorBody>;

/** Error form B: `KV_SAVE` / `SH_SAVE` while persistence is disabled (status 14, no `tkn`). */
export const disabledBody = z.object({ m: z.string(), st: z.literal(14) });
export type DisabledBody = z.infer<typeof disabledBody>;

/** Body of the `ERR` envelope. */
export const errBody = z.object({ m: z.string(), st });
export type ErrBody = z.infer<typeof errBody>;

/** `{"ERR": {"m": "", "st": N}}`: binary frame, unparsable JSON, not one command, unknown KV command. */
export const errEnvelope = z.object({ [ERR]: errBody });
export type ErrEnvelope = z.infer<typeof errEnvelope>;
