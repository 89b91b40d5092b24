import type { ExactJsonObject } from '@nemesisdb/protocol';
import type { MaybePromise } from './maybe-promise.js';
import type { SessionRecord } from './store/store.js';

/** A dataset's content: SH_SAVE writes sessions, KV_SAVE writes keys (PROTOCOL.md §11). */
export type Dataset = { kind: 'sessions'; sessions: SessionRecord[] } | { kind: 'kv'; keys: ExactJsonObject };

/** How a save went: 121 written, 122 metadata not writable, 123 data not writable. */
export interface SaveOutcome {
  st: 121 | 122 | 123;
  /** Milliseconds spent writing. */
  durationMs: number;
}

/** How a load went: the dataset, or why there is none to apply (answered 142, nothing loaded). */
export type LoadOutcome =
  | { ok: true; dataset: Dataset; durationMs: number }
  | { ok: false; reason: 'missing' | 'incomplete' | 'damaged' | 'wrong-kind' | 'bad-name' };

/**
 * Where SAVE and LOAD commands read and write datasets. LOAD works even when saving is disabled
 * (upstream reads `persist.path` either way).
 */
export interface Persistence {
  /** `persist.enabled`: SAVE commands answer 14 when false. */
  readonly enabled: boolean;
  save(name: string, dataset: Dataset): MaybePromise<SaveOutcome>;
  load(name: string, kind: Dataset['kind']): MaybePromise<LoadOutcome>;
}

/** No persistence configured: saving is disabled and there is no dataset to load. */
export const noPersistence: Persistence = {
  enabled: false,
  save: () => ({ st: 122, durationMs: 0 }),
  load: () => ({ ok: false, reason: 'missing' }),
};
