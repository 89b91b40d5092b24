import { monotonicClock, type Clock } from '../../clock.js';
import { nodeScheduler, type Scheduler } from '../../scheduler.js';
import { RandomTokens, type TokenSource } from '../../tokens.js';
import type { DataStore, StoreStats } from '../store.js';
import { MemoryKv } from './memory-kv.js';
import { MemorySessions } from './memory-sessions.js';

export interface MemoryStoreOptions {
  /** Defaults to the process's monotonic clock. */
  clock?: Clock;
  /** Defaults to Node's timers (unref'd). */
  scheduler?: Scheduler;
  /** Defaults to 64-bit tokens from the CSPRNG. */
  tokens?: TokenSource;
}

/** Everything in this process's memory: the default store. */
export class MemoryStore implements DataStore {
  readonly sessions: MemorySessions;
  readonly kv = new MemoryKv();

  constructor(options: MemoryStoreOptions = {}) {
    this.sessions = new MemorySessions({
      clock: options.clock ?? monotonicClock,
      scheduler: options.scheduler ?? nodeScheduler,
      tokens: options.tokens ?? new RandomTokens(),
    });
  }

  close(): void {
    this.sessions.close();
  }

  stats(): StoreStats {
    return {
      sessions: this.sessions.size,
      sessionKeys: this.sessions.keyCount,
      kvKeys: this.kv.size,
      expiredSessions: this.sessions.expiredCount,
    };
  }
}
