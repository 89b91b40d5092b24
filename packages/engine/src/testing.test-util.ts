// A test harness: an engine on a manual clock and scheduler, spoken to in JSON text as a client would.
import { decode, type JsonValue } from '@nemesisdb/protocol';
import { ManualClock } from './clock.js';
import type { ContractHarness } from './contract/harness.js';
import { Engine, type EngineOptions } from './engine.js';
import { isPromise } from './maybe-promise.js';
import { ManualScheduler } from './scheduler.js';

export interface Harness extends ContractHarness {
  engine: Engine;
  clock: ManualClock;
  scheduler: ManualScheduler;
  /** Moves the clock forward and runs the timers that became due. */
  advance(ms: number): void;
}

export function harness(options: Omit<EngineOptions, 'clock' | 'scheduler'> = {}): Harness {
  const clock = new ManualClock(1_000_000);
  const scheduler = new ManualScheduler(() => clock.now());
  const engine = new Engine({ ...options, clock, scheduler });
  const text: Harness['text'] = async (request) => {
    const reply = engine.execute(request);
    return isPromise(reply) ? await reply : reply;
  };
  const send: Harness['send'] = async (request) =>
    decode(await text(typeof request === 'string' ? request : JSON.stringify(request))) as Record<string, Record<string, JsonValue>>;
  const body: Harness['body'] = async (command, request) => {
    const reply = await send(request);
    const name = `${command}_RSP`;
    if (!(name in reply))
      throw new Error(`expected ${name}, got ${JSON.stringify(reply, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
    return reply[name]!;
  };
  return {
    engine,
    clock,
    scheduler,
    text,
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
