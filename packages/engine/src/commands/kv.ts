import { Status } from '@nemesisdb/protocol';
import { JsonPathError } from '../kv/jsonpath.js';
import { chain, isPromise, type MaybePromise } from '../maybe-promise.js';
import { OK_BODY, PATH_INVALID_BODY, type ReplyBody } from '../replies.js';
import { containing, counted, keyList, ok } from './answers.js';
import type { CommandDefinition } from './command.js';

/**
 * KV commands (docs/reference/protocol.md §10): the global key map. An exception inside a KV command (such as a
 * KV_UPDATE path that does not parse) is answered `{"ERR":{"m":"","st":1000}}` by the engine.
 */

const OK = OK_BODY;
const PATH_INVALID = PATH_INVALID_BODY;

/** The kinds of KV command, as the engine treats them (see `CommandDefinition`). */
const READS = { family: 'KV' } as const;
const CHANGES = { family: 'KV', journaled: true } as const;
const ADDS = { ...CHANGES, grows: true } as const;

export const KV_SET: CommandDefinition<'KV_SET'> = {
  ...ADDS,
  run: ({ keys }, { store }) => chain(store.kv.set(keys, true), ok),
};

export const KV_ADD: CommandDefinition<'KV_ADD'> = {
  ...ADDS,
  run: ({ keys }, { store }) => chain(store.kv.set(keys, false), ok),
};

export const KV_GET: CommandDefinition<'KV_GET'> = {
  ...READS,
  run: ({ keys }, { store }) => chain(store.kv.get(keys), keyList),
};

export const KV_RMV: CommandDefinition<'KV_RMV'> = {
  ...CHANGES,
  run: ({ keys }, { store }) => chain(store.kv.remove(keys), ok),
};

export const KV_CLEAR: CommandDefinition<'KV_CLEAR'> = {
  ...CHANGES,
  run: (_body, { store }) => chain(store.kv.clear(), counted),
};

export const KV_COUNT: CommandDefinition<'KV_COUNT'> = {
  ...READS,
  run: (_body, { store }) => chain(store.kv.count(), counted),
};

export const KV_CONTAINS: CommandDefinition<'KV_CONTAINS'> = {
  ...READS,
  run: ({ keys }, { store }) => chain(store.kv.contains(keys), containing),
};

export const KV_KEYS: CommandDefinition<'KV_KEYS'> = {
  ...READS,
  run: (_body, { store }) => chain(store.kv.keys(), keyList),
};

export const KV_CLEAR_SET: CommandDefinition<'KV_CLEAR_SET'> = {
  ...ADDS,
  run: ({ keys }, { store }) => chain(store.kv.clearSet(keys), counted),
};

export const KV_FIND: CommandDefinition<'KV_FIND'> = {
  ...READS,
  run: ({ keys, path, rsp }, { store }) => {
    const answer = (found: string[] | object): ReplyBody =>
      rsp === 'paths' ? { paths: found, st: Status.Ok } : { keys: found, st: Status.Ok };
    // A path that does not parse or evaluate is status 4 (not an exception, unlike KV_UPDATE).
    const pathInvalid = (error: unknown): ReplyBody => {
      if (error instanceof JsonPathError) return PATH_INVALID;
      throw error;
    };
    let found: MaybePromise<string[] | object>;
    try {
      found = store.kv.find(path, rsp, keys ?? []);
    } catch (error) {
      return pathInvalid(error);
    }
    return isPromise(found) ? found.then(answer, pathInvalid) : answer(found);
  },
};

export const KV_UPDATE: CommandDefinition<'KV_UPDATE'> = {
  ...ADDS,
  run: ({ key, path, value }, { store }) =>
    chain(store.kv.update(key, path, value), (result) =>
      result.status === 'done' ? { cnt: result.count, st: Status.Ok } : { cnt: 0, st: Status.KeyNotExist },
    ),
};

export const KV_ARR_APPEND: CommandDefinition<'KV_ARR_APPEND'> = {
  ...ADDS,
  run: ({ key, items, name }, { store }) =>
    chain(store.kv.append(key, items, name), (result) =>
      result.status === 'done' ? OK : { st: result.status === 'no-key' ? Status.KeyNotExist : Status.Unknown },
    ),
};
