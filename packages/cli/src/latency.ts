import { connectOrComplain, describeConnectionError, replySignal, type ConnectionSettings } from './connection.js';
import { ExitCode } from './exit-codes.js';
import { LatencyStats } from './latency-stats.js';
import { complain, type Output } from './output.js';
import { readReply, statusLabel } from './reply.js';

/*
 * `--latency`, as `redis-cli --latency`: SV_INFO round trips one after another (one in flight,
 * so each measures the server's answer time plus the network), with min/avg/max/p99 in ms. On a
 * terminal the line is updated in place; otherwise a line is printed every second. Runs until
 * Ctrl-C, or for `--count` round trips.
 */

export interface LatencyOptions {
  /** Pause between round trips, in ms (redis-cli waits 10). */
  intervalMs: number;
  /** Stop after this many round trips (default: until interrupted). */
  count: number | undefined;
}

const REQUEST = '{"SV_INFO":{}}';

export function formatLatency(stats: LatencyStats): string {
  // Zeros would read as a very fast server: say there is nothing to show.
  if (stats.count === 0) return 'no samples: no SV_INFO round trip completed';
  const ms = (value: number) => value.toFixed(3);
  return `min: ${ms(stats.min)}, max: ${ms(stats.max)}, avg: ${ms(stats.mean)}, p99: ${ms(stats.percentile(0.99))} (${stats.count} samples, ms)`;
}

export async function runLatency(
  settings: ConnectionSettings,
  options: LatencyOptions,
  output: Output,
  stop: AbortSignal,
): Promise<number> {
  const client = await connectOrComplain(settings, output);
  if (client === undefined) return ExitCode.Unreachable;
  const stats = new LatencyStats();
  const tty = output.out.isTTY === true;
  let lastPrint = performance.now();
  let code: number = ExitCode.Ok;
  try {
    while (!stop.aborted && (options.count === undefined || stats.count < options.count)) {
      const started = performance.now();
      const text = await client.sendRaw(REQUEST, { signal: replySignal(settings) });
      const elapsed = performance.now() - started;
      const reply = readReply(text);
      if (!reply.success) {
        complain(output, `SV_INFO answered ${statusLabel(reply.st)}: ${text}`);
        code = ExitCode.Failed;
        break;
      }
      stats.add(elapsed);
      const now = performance.now();
      if (tty && now - lastPrint >= 100) {
        output.out.write(`\r${formatLatency(stats)}\x1b[K`);
        lastPrint = now;
      } else if (!tty && now - lastPrint >= 1000) {
        output.out.write(`${formatLatency(stats)}\n`);
        lastPrint = now;
      }
      if (options.intervalMs > 0) await pause(options.intervalMs, stop);
    }
  } catch (error) {
    complain(output, describeConnectionError(error));
    code = ExitCode.Unreachable;
  } finally {
    await client.close({ force: true });
  }
  output.out.write(`${tty ? '\r' : ''}${formatLatency(stats)}${tty ? '\x1b[K' : ''}\n`);
  return code;
}

function pause(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    }
    stop.addEventListener('abort', done, { once: true });
  });
}
