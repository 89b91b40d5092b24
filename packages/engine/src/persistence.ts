import type { MaybePromise } from './maybe-promise.js';
import type { KvEntry, SessionRecord } from './store/store.js';

/**
 * A dataset's content: SH_SAVE writes sessions, KV_SAVE writes keys (docs/reference/protocol.md §11). When saved,
 * these are snapshots read lazily; when loaded, arrays.
 */
export type Dataset =
  | { kind: 'sessions'; sessions: Iterable<SessionRecord> & { readonly size?: number } }
  | { kind: 'kv'; keys: Iterable<KvEntry> & { readonly size?: number } };

export type DatasetKind = Dataset['kind'];

/** How a save went: 121 written, 122 metadata not writable, 123 data not writable. */
export interface SaveOutcome {
  st: 121 | 122 | 123;
  /** Milliseconds spent writing. */
  durationMs: number;
}

/** How a load went: the dataset, or why there is none to apply (answered 142, nothing loaded). */
export type LoadOutcome =
  | { ok: true; dataset: Dataset; durationMs: number }
  | {
      ok: false;
      reason: 'missing' | 'incomplete' | 'damaged' | 'wrong-kind' | 'bad-name';
      /** What is damaged, and where (for logs). */ detail?: string;
    };

/**
 * Where SAVE and LOAD commands read and write datasets. LOAD works even when saving is disabled
 * (upstream reads `persist.path` either way).
 */
export interface Persistence {
  /** `persist.enabled`: SAVE commands answer 14 when false. */
  readonly enabled: boolean;
  save(name: string, dataset: Dataset): MaybePromise<SaveOutcome>;
  /** Loads the newest save of `name`; `kind` must match what it holds. */
  load(name: string, kind: DatasetKind): MaybePromise<LoadOutcome>;
}

/** No persistence configured: saving is disabled and there is no dataset to load. */
export const noPersistence: Persistence = {
  enabled: false,
  save: () => ({ st: 122, durationMs: 0 }),
  load: () => ({ ok: false, reason: 'missing' }),
};
