import * as ws from 'ws';

/** ws's frame parser, as tests use it: frames in, messages (or the protocol error) out. */
export interface WsReceiver {
  write(chunk: Buffer): boolean;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'error', listener: (error: Error & { code?: string }) => void): this;
}

export interface WsReceiverOptions {
  /** Reads a client's (masked) frames when true, a server's (unmasked) ones when false. */
  isServer: boolean;
  /** Largest message it takes (0: no limit). */
  maxPayload: number;
}

/**
 * A new ws `Receiver` (ws 8 exports it at runtime; @types/ws does not declare it): the oracle that
 * tests of hand-written frames and frame parsers compare with.
 */
export function wsReceiver(options: WsReceiverOptions): WsReceiver {
  const { Receiver } = ws as unknown as { Receiver: new (options: WsReceiverOptions) => WsReceiver };
  return new Receiver(options);
}
