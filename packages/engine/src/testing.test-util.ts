// A test harness: an engine on a manual clock and scheduler, spoken to in JSON text as a client would.
import { decode, type JsonValue } from '@nemesisdb/protocol';
import { ManualClock } from './clock.js';
import { Engine, type EngineOptions } from './engine.js';
import { isPromise } from './maybe-promise.js';
import { ManualScheduler } from './scheduler.js';

export interface Harness {
  engine: Engine;
  clock: ManualClock;
  scheduler: ManualScheduler;
  /** Sends a request (text, or a value to write with JSON.stringify) and decodes the reply. */
  send(request: string | object): Promise<Record<string, Record<string, JsonValue>>>;
  /** The body of the reply, checking its envelope name. */
  body(command: string, request: string | object): Promise<Record<string, JsonValue>>;
  /** Creates a session and returns its token as JSON text (to splice into requests). */
  session(expiry?: object): Promise<string>;
  /** Moves the clock forward and runs the timers that became due. */
  advance(ms: number): void;
}

export function harness(options: Omit<EngineOptions, 'clock' | 'scheduler'> = {}): Harness {
  const clock = new ManualClock(1_000_000);
  const scheduler = new ManualScheduler(() => clock.now());
  const engine = new Engine({ ...options, clock, scheduler });
  const send: Harness['send'] = async (request) => {
    const text = typeof request === 'string' ? request : JSON.stringify(request);
    const reply = engine.execute(text);
    return decode(isPromise(reply) ? await reply : reply) as Record<string, Record<string, JsonValue>>;
  };
  const body: Harness['body'] = async (command, request) => {
    const reply = await send(request);
    const name = `${command}_RSP`;
    if (!(name in reply)) throw new Error(`expected ${name}, got ${JSON.stringify(reply, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
    return reply[name]!;
  };
  return {
    engine,
    clock,
    scheduler,
    send,
    body,
    async session(expiry) {
      const reply = await body('SH_NEW', `{"SH_NEW":${JSON.stringify(expiry === undefined ? {} : { expiry })}}`);
      return String(reply.tkn);
    },
    advance(ms) {
      clock.advance(ms);
      scheduler.runDue();
    },
  };
}
