import { Status } from '@nemesisdb/protocol';
import { JsonPathError } from '../kv/jsonpath.js';
import { chain, isPromise, type MaybePromise } from '../maybe-promise.js';
import { OK_BODY, PATH_INVALID_BODY, type ResponseBody } from '../replies.js';
import type { CommandDefinition } from './command.js';

/**
 * KV commands (docs/reference/protocol.md §10): the global key map. An exception inside a KV command (such as a
 * KV_UPDATE path that does not parse) is answered `{"ERR":{"m":"","st":1000}}` by the engine.
 */

const OK = OK_BODY;
const PATH_INVALID = PATH_INVALID_BODY;

export const KV_SET: CommandDefinition<'KV_SET'> = {
  family: 'KV',
  journaled: true,
  grows: true,
  run: ({ keys }, { store }) => chain(store.kv.set(keys, true), () => OK),
};

export const KV_ADD: CommandDefinition<'KV_ADD'> = {
  family: 'KV',
  journaled: true,
  grows: true,
  run: ({ keys }, { store }) => chain(store.kv.set(keys, false), () => OK),
};

export const KV_GET: CommandDefinition<'KV_GET'> = {
  family: 'KV',
  run: ({ keys }, { store }) => chain(store.kv.get(keys), (found) => ({ keys: found, st: Status.Ok })),
};

export const KV_RMV: CommandDefinition<'KV_RMV'> = {
  family: 'KV',
  journaled: true,
  run: ({ keys }, { store }) => chain(store.kv.remove(keys), () => OK),
};

export const KV_CLEAR: CommandDefinition<'KV_CLEAR'> = {
  family: 'KV',
  journaled: true,
  run: (_body, { store }) => chain(store.kv.clear(), (cnt) => ({ cnt, st: Status.Ok })),
};

export const KV_COUNT: CommandDefinition<'KV_COUNT'> = {
  family: 'KV',
  run: (_body, { store }) => chain(store.kv.count(), (cnt) => ({ cnt, st: Status.Ok })),
};

export const KV_CONTAINS: CommandDefinition<'KV_CONTAINS'> = {
  family: 'KV',
  run: ({ keys }, { store }) => chain(store.kv.contains(keys), (contains) => ({ contains, st: Status.Ok })),
};

export const KV_KEYS: CommandDefinition<'KV_KEYS'> = {
  family: 'KV',
  run: (_body, { store }) => chain(store.kv.keys(), (keys) => ({ keys, st: Status.Ok })),
};

export const KV_CLEAR_SET: CommandDefinition<'KV_CLEAR_SET'> = {
  family: 'KV',
  journaled: true,
  grows: true,
  run: ({ keys }, { store }) => chain(store.kv.clearSet(keys), (cnt) => ({ cnt, st: Status.Ok })),
};

export const KV_FIND: CommandDefinition<'KV_FIND'> = {
  family: 'KV',
  run: ({ keys, path, rsp }, { store }) => {
    const answer = (found: string[] | object): ResponseBody =>
      rsp === 'paths' ? { paths: found, st: Status.Ok } : { keys: found, st: Status.Ok };
    // A path that does not parse or evaluate is status 4 (not an exception, unlike KV_UPDATE).
    const pathInvalid = (error: unknown): ResponseBody => {
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
  family: 'KV',
  journaled: true,
  grows: true,
  run: ({ key, path, value }, { store }) =>
    chain(store.kv.update(key, path, value), (result) =>
      result.status === 'done' ? { cnt: result.count, st: Status.Ok } : { cnt: 0, st: Status.KeyNotExist },
    ),
};

export const KV_ARR_APPEND: CommandDefinition<'KV_ARR_APPEND'> = {
  family: 'KV',
  journaled: true,
  grows: true,
  run: ({ key, items, name }, { store }) =>
    chain(store.kv.append(key, items, name), (result) =>
      result.status === 'done' ? OK : { st: result.status === 'no-key' ? Status.KeyNotExist : Status.Unknown },
    ),
};
