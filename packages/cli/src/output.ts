import type { Colors } from './colors.js';

/** Where a mode writes: its streams and the colours for each. */
export interface Output {
  out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  err: NodeJS.WritableStream & { isTTY?: boolean };
  /** Colours for `out`. */
  c: Colors;
  /** Colours for `err`. */
  ce: Colors;
}

/** `nemesisdb-cli: <message>` on stderr, in red when colour is on. */
export function complain(output: Output, message: string): void {
  output.err.write(`${output.ce.red('nemesisdb-cli:')} ${message}\n`);
}
