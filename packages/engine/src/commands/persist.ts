import { Status } from '@nemesisdb/protocol';
import { chain, type MaybePromise } from '../maybe-promise.js';
import type { Dataset, DatasetKind, LoadOutcome, Persistence, SaveOutcome } from '../persistence.js';
import type { ReplyBody } from '../replies.js';
import type { CommandDefinition } from './command.js';

/** SAVE and LOAD of both families (docs/reference/protocol.md §9.7, §9.8, §10.13, §10.14, §11). */

function saveBody(name: string, outcome: SaveOutcome): ReplyBody {
  return outcome.st === Status.SaveDirWriteFail ? { name, st: outcome.st } : { duration: outcome.durationMs, name, st: outcome.st };
}

/**
 * Reads the dataset `name` of this kind and answers what `restore` makes of it; 151 (LoadError)
 * when it is missing, damaged or of the other kind.
 */
function loadDataset<K extends DatasetKind>(
  persistence: Persistence,
  name: string,
  kind: K,
  restore: (dataset: Extract<Dataset, { kind: K }>, durationMs: number) => MaybePromise<ReplyBody>,
): MaybePromise<ReplyBody> {
  return chain(persistence.load(name, kind), (outcome: LoadOutcome) => {
    if (!outcome.ok || outcome.dataset.kind !== kind) return { name, st: Status.LoadError };
    return restore(outcome.dataset as Extract<Dataset, { kind: K }>, outcome.durationMs);
  });
}

/** A save writes a dataset (refused without persistence); a load adds one. Both checkpoint the journal. */
const SAVES = { requiresPersistence: true, checkpoints: true } as const;
const LOADS = { journaled: true, grows: true, checkpoints: true } as const;

export const SH_SAVE: CommandDefinition<'SH_SAVE'> = {
  ...SAVES,
  family: 'SH',
  run: ({ name, tkns }, { store, persistence }) =>
    chain(store.sessions.snapshot(tkns), (sessions) =>
      chain(persistence.save(name, { kind: 'sessions', sessions }), (outcome) => saveBody(name, outcome)),
    ),
};

export const KV_SAVE: CommandDefinition<'KV_SAVE'> = {
  ...SAVES,
  family: 'KV',
  run: ({ name }, { store, persistence }) =>
    chain(store.kv.snapshot(), (keys) => chain(persistence.save(name, { kind: 'kv', keys }), (outcome) => saveBody(name, outcome))),
};

export const SH_LOAD: CommandDefinition<'SH_LOAD'> = {
  ...LOADS,
  family: 'SH',
  run: ({ name }, { store, persistence }) =>
    loadDataset(persistence, name, 'sessions', (dataset) =>
      // Exactly these four members: upstream's own test compares the reply as a whole.
      chain(store.sessions.restore(dataset.sessions), ({ sessions, keys }) => ({ keys, name, sessions, st: Status.LoadComplete })),
    ),
};

export const KV_LOAD: CommandDefinition<'KV_LOAD'> = {
  ...LOADS,
  family: 'KV',
  run: ({ name }, { store, persistence }) =>
    loadDataset(persistence, name, 'kv', (dataset, durationMs) =>
      chain(store.kv.restore(dataset.keys), (keys) => ({ duration: durationMs, keys, name, sessions: 0, st: Status.LoadComplete })),
    ),
};
