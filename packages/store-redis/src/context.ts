import type { Snapshot, TokenSource } from '@nemesisdb/engine';
import type { Cluster } from 'ioredis';
import type { KeyLayout } from './keys.js';
import type { Scripts } from './scripts.js';
import type { SessionBatches } from './session-batches.js';

/** What the session store works with (shared with the KV store and the facade). */
export interface StoreContext {
  readonly cluster: Cluster;
  readonly layout: KeyLayout;
  readonly scripts: Scripts;
  /** Session scripts go through it, in batches per master. */
  readonly batches: SessionBatches;
  readonly tokens: TokenSource;
  /** ARGV[1] of every session script: the caller's clock in ms, or '' for the master's (TIME). */
  now(): string;
}

/** A materialised snapshot: SAVE reads what was there while it scanned. */
export function arraySnapshot<T>(items: T[]): Snapshot<T> {
  return {
    size: items.length,
    close() {},
    [Symbol.iterator]: () => items[Symbol.iterator](),
  };
}
