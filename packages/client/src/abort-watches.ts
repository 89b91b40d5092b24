import type { Pending } from './pending.js';

/** The requests waiting on one signal, and the one listener kept on it. */
interface Watch {
  readonly pending: Set<Pending>;
  readonly onAbort: () => void;
}

/**
 * One abort listener per signal, however many requests share it (a request-scoped signal is often
 * passed to every call): no listener pile-up on the signal, removed when its last request settles.
 * An abort settles the request and rejects it with the signal's reason, but leaves it where it is:
 * a request in flight still has a reply to be read.
 */
export class AbortWatches {
  private readonly watches = new WeakMap<AbortSignal, Watch>();

  watch(signal: AbortSignal, pending: Pending): void {
    let watch = this.watches.get(signal);
    if (watch === undefined) {
      const waiting = new Set<Pending>();
      const onAbort = () => {
        this.watches.delete(signal);
        for (const each of waiting) {
          each.done = true;
          each.reject(signal.reason);
        }
        waiting.clear();
      };
      watch = { pending: waiting, onAbort };
      this.watches.set(signal, watch);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    watch.pending.add(pending);
  }

  unwatch(signal: AbortSignal, pending: Pending): void {
    const watch = this.watches.get(signal);
    if (watch === undefined || !watch.pending.delete(pending) || watch.pending.size > 0) return;
    this.watches.delete(signal);
    signal.removeEventListener('abort', watch.onAbort);
  }
}
