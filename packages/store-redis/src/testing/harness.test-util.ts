// Test helpers: the shared cluster (or why it is missing), stores under fresh key prefixes, and an
// engine over a store spoken to in JSON text as a client would.

import { randomBytes } from 'node:crypto';
import { Engine, type EngineOptions } from '@nemesisdb/engine';
import { isPromise } from '@nemesisdb/engine/internal';
import { decode, type JsonValue } from '@nemesisdb/protocol';
import { describe, inject, it, onTestFinished } from 'vitest';
import { RedisStore, type RedisStoreOptions } from '../store.js';
import type { ProvidedCluster } from './global-setup.js';
import { REDIS_INSTALL_HINT, type RedisTools } from './redis-cluster.js';

export type Seeds = { host: string; port: number }[];

/**
 * `describe` for tests that need Redis. Without redis-server they fail under CI (`CI` set: the
 * pipeline must install it) and are skipped, with the reason in their name, elsewhere.
 */
export function describeWithRedis(name: string, body: (seeds: () => Seeds, tools: () => RedisTools) => void): void {
  const provided: ProvidedCluster = inject('redisCluster');
  if (provided.ok) {
    describe(name, () =>
      body(
        () => provided.seeds,
        () => provided.tools,
      ),
    );
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it('needs redis-server', () => {
        throw new Error(`${provided.reason}. CI must install Redis: ${REDIS_INSTALL_HINT}`);
      });
    });
    return;
  }
  describe.skip(`${name} — skipped: ${provided.reason}`, () =>
    body(
      () => [],
      () => ({ server: '', cli: '' }),
    ));
}

/** A key prefix no other test uses. */
export function freshPrefix(): string {
  return `t${randomBytes(6).toString('hex')}:`;
}

/** A store on the cluster under a fresh prefix (unless one is given); closed by the caller. */
export function newStore(seeds: Seeds, options: Partial<RedisStoreOptions> = {}): RedisStore {
  return new RedisStore({ nodes: seeds, keyPrefix: freshPrefix(), ...options });
}

export type Reply = Record<string, Record<string, JsonValue>>;

export interface Harness {
  engine: Engine;
  store: RedisStore;
  /** Sends a request (text, or a value written with JSON.stringify) and decodes the reply. */
  send(request: string | object): Promise<Reply>;
  /** The body of the reply, checking its envelope name. */
  body(command: string, request: string | object): Promise<Record<string, JsonValue>>;
  /** The raw reply text. */
  text(request: string): Promise<string>;
  /** Creates a session and returns its token as JSON text (to splice into requests). */
  session(expiry?: object): Promise<string>;
}

const show = (value: unknown) => JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? String(v) : v));

export function harness(store: RedisStore, options: Omit<EngineOptions, 'store'> = {}): Harness {
  // A 1000 in a test is diagnosed from the store's own error.
  const onCommandError = (error: unknown, command: string) => console.error(`${command} failed:`, error);
  const engine = new Engine({ onCommandError, ...options, store });
  const text: Harness['text'] = async (request) => {
    const reply = engine.execute(request);
    return isPromise(reply) ? await reply : reply;
  };
  const send: Harness['send'] = async (request) =>
    decode(await text(typeof request === 'string' ? request : JSON.stringify(request))) as Reply;
  const body: Harness['body'] = async (command, request) => {
    const reply = await send(request);
    const name = `${command}_RSP`;
    if (!(name in reply)) throw new Error(`expected ${name}, got ${show(reply)}`);
    return reply[name]!;
  };
  return {
    engine,
    store,
    send,
    body,
    text,
    async session(expiry) {
      const reply = await body('SH_NEW', `{"SH_NEW":${JSON.stringify(expiry === undefined ? {} : { expiry })}}`);
      if (reply.st !== 1) throw new Error(`SH_NEW failed: ${show(reply)}`);
      return String(reply.tkn);
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sleeps until the wall clock reads `at` (ms). */
export async function until(at: number): Promise<void> {
  const wait = at - Date.now();
  if (wait > 0) await sleep(wait);
}

/**
 * What `check` found, when it had its answer by `deadline` on the wall clock (the masters' clock
 * too: they run on this machine), else undefined. A check meant for "just before the deadline"
 * that a loaded machine delays past it says nothing about the time before it; the caller asserts
 * only on an answer known to be from before.
 */
export async function answeredBefore<T>(deadline: number, check: () => Promise<T>): Promise<T | undefined> {
  const answer = await check();
  return Date.now() < deadline ? answer : undefined;
}

/**
 * Closes `store` when the running test ends. Concurrent tests must pass their own context's
 * `onTestFinished` (Vitest cannot tell which of them a global hook belongs to).
 */
export function closeAfterTest(store: RedisStore, onFinished: (fn: () => Promise<void>) => void = onTestFinished): RedisStore {
  onFinished(() => store.close());
  return store;
}
