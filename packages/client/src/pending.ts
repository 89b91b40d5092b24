import type { CommandName } from '@nemesisdb/protocol';

/** A reply as it arrived, matched to its request: which envelope it came in, and its body. */
export interface Reply {
  envelope: 'response' | 'ERR';
  body: unknown;
}

/** A request the transport holds until its reply is read (see transport.ts for the FIFO rules). */
export interface Pending {
  /** `undefined` for a raw request (see `Transport.requestText`). */
  readonly command: CommandName | undefined;
  /** The response envelope expected, `<CMD>_RSP`; `undefined` for a raw request, which takes any reply. */
  readonly responseName: string | undefined;
  readonly text: string;
  /** A {@link Reply}, or the reply's text for a raw request. */
  readonly resolve: (reply: Reply | string) => void;
  readonly reject: (error: unknown) => void;
  /** Settled already (aborted, or rejected by a forced close): its reply is read and dropped. */
  done: boolean;
  readonly signal: AbortSignal | undefined;
}
