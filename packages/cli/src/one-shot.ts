import { connectOrComplain, describeConnectionError, replySignal, type ConnectionSettings } from './connection.js';
import { ExitCode, noReplyExitCode } from './exit-codes.js';
import { parseInput } from './input.js';
import { complain, type Output } from './output.js';
import { prettyJson } from './pretty.js';
import { describeReply, readReply, statusLabel } from './reply.js';
import { TokenBook } from './tokens.js';

export interface OneShotOptions {
  /** Print the reply exactly as received, on one line. */
  raw: boolean;
  /** Exit with 1 when `st` is not the command's success status. */
  failOnStatus: boolean;
}

/**
 * `nemesisdb-cli SH_NEW '{}'`: sends one request, prints its reply, exits. On a terminal the reply
 * comes with its status line; into a pipe or file it is indented JSON only (exact integers), so
 * that `jq` can read it; `--raw` prints the wire text.
 */
export async function runOneShot(
  settings: ConnectionSettings,
  words: readonly string[],
  options: OneShotOptions,
  output: Output,
): Promise<number> {
  const parsed = parseInput(words.join(' '), new TokenBook());
  if (parsed.kind === 'empty') {
    complain(output, 'no command given (try `nemesisdb-cli SH_INFO_ALL` or `nemesisdb-cli --help`)');
    return ExitCode.Usage;
  }
  if (parsed.kind !== 'request') {
    complain(output, parsed.kind === 'incomplete' ? 'the request is incomplete: a { or [ is not closed' : parsed.message);
    return ExitCode.Usage;
  }
  const client = await connectOrComplain(settings, output);
  if (client === undefined) return ExitCode.Unreachable;
  try {
    const text = await client.sendRaw(parsed.text, { signal: replySignal(settings) });
    const reply = readReply(text);
    if (options.raw) output.out.write(`${text}\n`);
    else if (output.out.isTTY) output.out.write(`${describeReply(reply, output.c)}\n`);
    else output.out.write(`${reply.value === undefined ? text : prettyJson(reply.value, output.c)}\n`);
    if (options.failOnStatus && !reply.success) {
      if (!output.out.isTTY || options.raw) complain(output, `${parsed.command ?? 'the request'} answered ${statusLabel(reply.st)}`);
      return ExitCode.Failed;
    }
    return ExitCode.Ok;
  } catch (error) {
    complain(output, describeConnectionError(error));
    return noReplyExitCode(error);
  } finally {
    await client.close({ force: true });
  }
}
