import { createInterface } from 'node:readline';
import { connectOrComplain, describeConnectionError, type ConnectionSettings } from './connection.js';
import { ExitCode } from './exit-codes.js';
import { parseInput } from './input.js';
import { complain, type Output } from './output.js';
import { readReply, statusLabel } from './reply.js';
import { TokenBook } from './tokens.js';

/*
 * `nemesisdb-cli --pipe < commands.jsonl`, as `redis-cli --pipe`: one request per line (any form
 * the REPL takes), many in flight on one connection with a bounded window, so that a bulk load
 * runs at the server's speed without holding the whole file in memory. `$tkn` on a line is the
 * last token returned by the lines before it: such a line waits for the replies in flight first.
 */

export interface PipeOptions {
  /** Most requests in flight at once. */
  window: number;
  /** Count replies whose status is not success as failures (exit 1). */
  failOnStatus: boolean;
  /** Give up when no reply has come for this long while requests are in flight, in ms (0: never). */
  timeoutMs: number;
  input: NodeJS.ReadableStream;
}

/** How many problems are shown line by line before only counting them. */
const SHOWN_PROBLEMS = 10;

export interface PipeSummary {
  sent: number;
  replies: number;
  byStatus: Map<string, number>;
  /** Lines that could not be sent, and requests that got no reply. */
  errors: number;
  /** Replies whose status is not the command's success. */
  failures: number;
  seconds: number;
  /** Why the load stopped early: the connection was lost, or the server stopped answering. */
  lost: string | undefined;
}

export async function runPipe(settings: ConnectionSettings, options: PipeOptions, output: Output): Promise<number> {
  const client = await connectOrComplain(settings, output);
  if (client === undefined) return ExitCode.Unreachable;
  const { ce } = output;
  const summary: PipeSummary = { sent: 0, replies: 0, byStatus: new Map(), errors: 0, failures: 0, seconds: 0, lost: undefined };
  const tokens = new TokenBook();
  let shown = 0;
  const problem = (line: number, message: string) => {
    if (shown++ < SHOWN_PROBLEMS) output.err.write(`${ce.yellow(`line ${line}:`)} ${message}\n`);
  };

  let inFlight = 0;
  let wake: (() => void) | undefined;
  const waitFor = (condition: () => boolean) =>
    new Promise<void>((resolve) => {
      if (condition()) return resolve();
      wake = () => {
        if (!condition()) return;
        wake = undefined;
        resolve();
      };
    });

  const started = performance.now();
  const progress =
    output.err.isTTY === true
      ? setInterval(() => {
          const seconds = (performance.now() - started) / 1000;
          output.err.write(
            `\r${ce.dim(`sent ${summary.sent}  replies ${summary.replies}  errors ${summary.errors}  ${rate(summary.replies, seconds)} requests/s`)}\x1b[K`,
          );
        }, 200)
      : undefined;

  // As redis-cli's --pipe-timeout: a server that stops answering ends the load instead of hanging it.
  let lastReply = performance.now();
  const watchdog =
    options.timeoutMs > 0
      ? setInterval(
          () => {
            if (inFlight === 0 || summary.lost !== undefined) {
              lastReply = performance.now();
              return;
            }
            if (performance.now() - lastReply < options.timeoutMs) return;
            summary.lost = `no reply for ${options.timeoutMs / 1000} s`;
            complain(
              output,
              `${summary.lost} with ${inFlight} requests in flight (--pipe-timeout): giving up; they may still run on the server`,
            );
            void client.close({ force: true });
          },
          Math.min(1000, options.timeoutMs),
        )
      : undefined;

  const lines = createInterface({ input: options.input, crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (summary.lost) break;
    // A variable must see the tokens of every line before it.
    if (line.includes('$')) await waitFor(() => inFlight === 0);
    const parsed = parseInput(line, tokens);
    if (parsed.kind === 'empty') continue;
    if (parsed.kind !== 'request') {
      summary.errors++;
      problem(lineNumber, parsed.kind === 'incomplete' ? 'incomplete request (one request per line)' : parsed.message);
      continue;
    }
    if (inFlight >= options.window) await waitFor(() => inFlight < options.window);
    if (summary.lost) break;
    inFlight++;
    summary.sent++;
    const at = lineNumber;
    client.sendRaw(parsed.text).then(
      (text) => {
        inFlight--;
        summary.replies++;
        lastReply = performance.now();
        const reply = readReply(text);
        const label = reply.value === undefined ? 'not JSON' : statusLabel(reply.st);
        summary.byStatus.set(label, (summary.byStatus.get(label) ?? 0) + 1);
        if (reply.token !== undefined) tokens.record(reply.token);
        if (!reply.success) {
          summary.failures++;
          problem(at, `${parsed.command ?? 'the request'} answered ${label}`);
        }
        wake?.();
      },
      (error: unknown) => {
        inFlight--;
        summary.errors++;
        if (error instanceof RangeError) {
          // Larger than the server reads: refused unsent by the SDK, the connection kept.
          problem(at, error.message);
        } else if (summary.lost === undefined) {
          complain(output, describeConnectionError(error));
          summary.lost = 'connection lost';
        }
        wake?.();
      },
    );
  }
  lines.close();
  await waitFor(() => inFlight === 0);
  summary.seconds = (performance.now() - started) / 1000;
  if (watchdog !== undefined) clearInterval(watchdog);
  if (progress !== undefined) {
    clearInterval(progress);
    output.err.write('\r\x1b[K');
  }
  await client.close({ force: true });
  if (shown > SHOWN_PROBLEMS) output.err.write(ce.dim(`(${shown - SHOWN_PROBLEMS} more problems not shown)\n`));
  output.out.write(formatSummary(summary, output));
  if (summary.lost !== undefined) return ExitCode.Unreachable;
  if (summary.errors > 0 || (options.failOnStatus && summary.failures > 0)) return ExitCode.Failed;
  return ExitCode.Ok;
}

function rate(count: number, seconds: number): string {
  return seconds > 0 ? Math.round(count / seconds).toLocaleString('en-US') : '0';
}

/** The end-of-run report: sent, replies by status, errors, requests/s. */
export function formatSummary(summary: PipeSummary, output: Output): string {
  const { c } = output;
  const statuses = [...summary.byStatus].sort((a, b) => b[1] - a[1]);
  const byStatus =
    statuses.length === 0
      ? 'none'
      : statuses
          .map(
            ([label, n]) =>
              `${n} × ${label.startsWith('1 ') || label.startsWith('121 ') || label.startsWith('141 ') ? c.green(label) : c.red(label)}`,
          )
          .join(', ');
  return [
    `sent:     ${summary.sent}`,
    `replies:  ${summary.replies} (${byStatus})`,
    `errors:   ${summary.errors > 0 ? c.red(String(summary.errors)) : '0'}${summary.lost !== undefined ? ` (${summary.lost})` : ''}`,
    `time:     ${summary.seconds.toFixed(2)} s, ${rate(summary.replies, summary.seconds)} requests/s`,
    '',
  ].join('\n');
}
