/** The exit statuses of `nemesisdb-cli` (documented in its README and docs/guides/cli.md). */
export const ExitCode = {
  /** Done; every reply was read. */
  Ok: 0,
  /** The server answered, but not with success: `--fail-on-status`, or pipe mode with errors. */
  Failed: 1,
  /** Bad usage: an unknown option, input that is not a request, a missing file, a request larger than the server reads. */
  Usage: 2,
  /** No reply: the server could not be reached, or the connection was lost. */
  Unreachable: 3,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The status of a request that got no reply: Usage when the SDK refused it unsent (a RangeError:
 * larger than the server reads), Unreachable otherwise.
 */
export function noReplyExitCode(error: unknown): ExitCode {
  return error instanceof RangeError ? ExitCode.Usage : ExitCode.Unreachable;
}
