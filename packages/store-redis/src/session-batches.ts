// Session scripts sent to their master in batches: every session call issued while a batch is on
// its way to the same master goes in the next one, as one EVALSHA of a script that runs each call's
// own script in turn (scripts.ts `BATCH_LUA`). A lone call is a batch of one.
//
// Why: per call, ioredis' cluster path (a Command, slot routing three times over, an auto-pipeline
// and its promises) cost the server ~12 µs of its ~18 µs per session request at 256 in flight
// (cpu-prof of the load bench's sessions mix), and Redis ran one script per request. A batch
// costs ioredis once; Redis runs one script for many calls.
//
// What stays as it was:
// - Each call is still its own script: atomic, expiry applied first, results unchanged. Its `now`
//   is the master's clock (TIME) read once per run: nothing else runs on the master meanwhile, so
//   it is the time every call of the run takes effect at. A call that fails inside (a Redis
//   error) fails alone, as it did.
// - One session's calls take effect in the order they are made: its keys share a slot, so they go
//   to one master; batches to a master go one at a time over one connection, calls in order.
// - A call whose session the master does not serve now (its slot moved or is moving), and every
//   call of a batch that did not run (a lost connection, a master turned replica, CLUSTERDOWN, a
//   script the master does not take), is sent again through the cluster client, which follows
//   redirections and retries during a failover; in order, and before the master gets its next
//   batch. A master that refuses the batch script (one older than Redis 7, which has no script
//   flags) makes every later call go that way.

import { Command, type Cluster, type Redis } from 'ioredis';
import {
  BATCH_LUA,
  BATCH_SHA,
  SESSION_SCRIPT_IDS,
  type ScriptArg,
  type Scripts,
  type SessionReply,
  type SessionScript,
} from './scripts.js';
import type { KeyLayout } from './keys.js';
import { sessionSlot } from './slots.js';

/**
 * A batch holds at most this many calls, and more arguments than this only when it is one call:
 * bounds how long one script run holds its master (its other clients wait meanwhile).
 */
const MAX_CALLS = 256;
const MAX_ARGS = 16_384;

interface Call {
  readonly name: SessionScript;
  /** The token's digits, written once per call: the batch names sessions by them, and the keys of a call sent again are built from them. */
  readonly digits: string;
  readonly now: string;
  readonly args: readonly ScriptArg[];
  readonly asBuffers: boolean;
  resolve(reply: SessionReply): void;
  reject(error: unknown): void;
}

/**
 * The calls waiting for one master, and whether its batch is on its way: one at a time, the next
 * one growing meanwhile. Measured (load bench, sessions mix 16 × 16): one at a time, 79k ops/s at
 * 8.1 µs of server CPU per request; 2, 4 or 8 at a time, 57k–74k at 8.9–11.4 µs (smaller batches).
 */
interface MasterQueue {
  readonly node: string;
  calls: Call[];
  /** A batch is on its way, or its calls sent again elsewhere have not all settled. */
  busy: boolean;
  scheduled: boolean;
}

export class SessionBatches {
  private readonly queues = new Map<string, MasterQueue>();
  /** Set once a master refuses the batch script: every call then goes one by one. */
  private unsupported = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly scripts: Scripts,
    private readonly layout: KeyLayout,
  ) {}

  /** Runs a session script on the session of `token`; names and values as text, or bytes with `asBuffers`. */
  run(name: SessionScript, token: bigint, now: string, args: readonly ScriptArg[], asBuffers: boolean): Promise<SessionReply> {
    const digits = String(token);
    const node = this.cluster.slots[sessionSlot(digits)]?.[0];
    // Before the slot map is known: the cluster client waits for it itself.
    if (node === undefined) return this.one(name, digits, now, args, asBuffers);
    const waiting = this.queues.get(node);
    // Without batches, a call still waits behind the ones queued for its master before it.
    if (this.unsupported && (waiting === undefined || (waiting.calls.length === 0 && !waiting.busy))) {
      return this.one(name, digits, now, args, asBuffers);
    }
    const queue = waiting ?? this.queueOf(node);
    return new Promise<SessionReply>((resolve, reject) => {
      queue.calls.push({ name, digits, now, args, asBuffers, resolve, reject });
      // Calls of the same tick (the requests of one read, of several connections) share a batch.
      if (!queue.scheduled && !queue.busy) {
        queue.scheduled = true;
        process.nextTick(() => this.flush(queue));
      }
    });
  }

  private queueOf(node: string): MasterQueue {
    const queue: MasterQueue = { node, calls: [], busy: false, scheduled: false };
    this.queues.set(node, queue);
    return queue;
  }

  /** One call on its own, through the cluster client (which routes it by its keys). */
  private one(name: SessionScript, digits: string, now: string, args: readonly ScriptArg[], asBuffers: boolean): Promise<SessionReply> {
    const meta = this.layout.sessionMetaOf(digits);
    const data = this.layout.sessionDataOf(digits);
    return asBuffers ? this.scripts.sessionBuffer(name, meta, data, now, args) : this.scripts.session(name, meta, data, now, args);
  }

  private flush(queue: MasterQueue): void {
    queue.scheduled = false;
    if (queue.calls.length > 0 && !queue.busy) this.sendBatch(queue, takeBatch(queue));
  }

  private sendBatch(queue: MasterQueue, calls: Call[]): void {
    queue.busy = true;
    const connection = this.cluster.nodes('master').find((redis) => `${redis.options.host}:${redis.options.port}` === queue.node);
    const sent = connection === undefined || this.unsupported ? Promise.reject(new Error('not a master')) : this.send(connection, calls);
    const settled = () => {
      queue.busy = false;
      this.flush(queue);
    };
    // Replies come in the order the batches were sent (one connection), so do the calls sent again.
    sent
      .then(
        (replies) => this.settle(calls, replies),
        (error: unknown) => {
          if (isScriptRefused(error)) this.unsupported = true;
          return this.sendAgain(calls);
        },
      )
      .then(settled, settled);
  }

  /** One EVALSHA of the batch script (EVAL once per connection that lacks it). */
  private async send(connection: Redis, calls: readonly Call[]): Promise<unknown[]> {
    // The keys are built in the script from the layout's head and each token: half the bytes.
    const args: ScriptArg[] = [BATCH_SHA, 0, this.layout.sessionHead];
    for (const call of calls) {
      args.push(SESSION_SCRIPT_IDS[call.name], call.args.length + 1, call.digits, call.now);
      for (const arg of call.args) args.push(arg);
    }
    try {
      return await sendCommand(connection, 'evalsha', args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      args[0] = BATCH_LUA;
      return await sendCommand(connection, 'eval', args);
    }
  }

  /**
   * Each call's reply: its script's answer, [-1, message] when it failed, or [-2, why] when the
   * master does not serve its session now (see `BATCH_LUA`): those go again through the cluster client.
   */
  private settle(calls: readonly Call[], replies: unknown[]): Promise<void> | undefined {
    let elsewhere: Call[] | undefined;
    for (let i = 0; i < calls.length; i++) {
      const call = calls[i]!;
      const reply = replies[i] as unknown[] | undefined;
      if (!Array.isArray(reply)) call.reject(new Error(`the batch script answered ${String(reply)} for call ${i + 1}`));
      else if (reply[0] === -2) (elsewhere ??= []).push(call);
      else if (reply[0] === -1) call.reject(new Error(String(reply[1])));
      else call.resolve((call.asBuffers ? reply : asText(reply)) as SessionReply);
    }
    return elsewhere && this.sendAgain(elsewhere);
  }

  /**
   * Calls that did not run here, one by one through the cluster client, in order. Their master
   * stays busy until they have settled, so that no later call on their sessions overtakes them.
   */
  private async sendAgain(calls: readonly Call[]): Promise<void> {
    // Issued together: the cluster client keeps their order per master, as for the batch.
    await Promise.all(
      calls.map((call) => this.one(call.name, call.digits, call.now, call.args, call.asBuffers).then(call.resolve, call.reject)),
    );
  }
}

/**
 * Sends a command whose arguments are already one flat list, as ioredis would, minus its
 * constructor's Array#flat over them: ~23 µs for a batch of 60 calls (363 arguments), a third of
 * what ioredis spends on the batch.
 */
function sendCommand(connection: Redis, name: string, args: ScriptArg[]): Promise<unknown[]> {
  const command = new Command(name, [], { replyEncoding: null });
  command.args = args;
  command.stringifyArguments(); // numbers as text; a Buffer makes it write bytes (as the constructor would)
  void connection.sendCommand(command);
  return command.promise as Promise<unknown[]>;
}

/** The calls of the next batch, taken from the front of the queue (see `MAX_CALLS`). */
function takeBatch(queue: MasterQueue): Call[] {
  const waiting = queue.calls;
  let count = 0;
  let args = 0;
  while (count < waiting.length && count < MAX_CALLS) {
    args += waiting[count]!.args.length + 4; // and its script's number, count, token, clock
    if (count > 0 && args > MAX_ARGS) break;
    count++;
  }
  if (count === waiting.length) {
    queue.calls = [];
    return waiting;
  }
  queue.calls = waiting.slice(count);
  return waiting.slice(0, count);
}

/** A reply read as bytes, as ioredis gives it to a call that wants text. */
function asText(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString();
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = asText(value[i]);
  }
  return value;
}

/**
 * A master that cannot run the batch script at all: before Redis 7 the flags line does not
 * compile ("ERR Error compiling script …"); a server that does not know the flag says so ("… shebang …").
 */
function isScriptRefused(error: unknown): boolean {
  return error instanceof Error && /^ERR (Error compiling script|.*shebang)/i.test(error.message);
}
