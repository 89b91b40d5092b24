import { Status, readToken, sharedSessionName, type RequestBody } from '@nemesisdb/protocol';
import { chain } from '../maybe-promise.js';
import { NO_SESSION_BODY, OK_BODY, errorBody, type ResponseBody } from '../replies.js';
import { NO_SESSION, type ExpirySettings, type SessionInfo } from '../store/store.js';
import type { CommandDefinition } from './command.js';

/** SH commands (docs/reference/protocol.md §9): sessions and the keys inside them. */

const OK = OK_BODY;

/** SH_NEW's expiry as the store keeps it (also what journal replay recreates). */
export function expirySettings(body: RequestBody<'SH_NEW'>): ExpirySettings | undefined {
  const expiry = body.expiry;
  // Duration 0 means "never expires", and the flags are then discarded (§7).
  if (expiry === undefined || expiry.duration === 0 || expiry.duration === 0n) return undefined;
  return {
    durationSeconds: expiry.duration,
    deleteSession: expiry.deleteSession ?? false,
    extendOnSetAdd: expiry.extendOnSetAdd ?? false,
    extendOnGet: expiry.extendOnGet ?? false,
  };
}

function infoBody(token: bigint, info: SessionInfo): ResponseBody {
  const expiry = info.expiry;
  if (expiry === undefined) {
    return { expires: false, keyCnt: info.keyCount, shared: info.shared, st: Status.Ok, tkn: token };
  }
  return {
    expires: true,
    expiry: {
      deleteSession: expiry.deleteSession,
      duration: expiry.durationSeconds,
      extendOnGet: expiry.extendOnGet,
      extendOnSetAdd: expiry.extendOnSetAdd,
      remaining: expiry.remainingSeconds,
    },
    keyCnt: info.keyCount,
    shared: info.shared,
    st: Status.Ok,
    tkn: token,
  };
}

/** SH_OPEN's answer when no live shared session has the name (upstream v0.6's shape). */
const OPEN_FAILED: ResponseBody = { st: Status.SessionOpenFail, tkn: null };

/**
 * SH_NEW. With `shared: true` (and extensions on) the session is shared: named, found by SH_OPEN,
 * and the reply carries the name (upstream v0.6's shape); a live shared session with that name
 * already there is answered 103 with its token, nothing changed. Otherwise exactly v0.7.4: `name`
 * and `shared` are ignored.
 */
export const SH_NEW: CommandDefinition<'SH_NEW'> = {
  family: 'SH',
  journaled: true,
  grows: true,
  run: (body, { store, extensions }) => {
    const shared = extensions ? sharedSessionName(body) : undefined;
    if (shared === undefined) return chain(store.sessions.create(expirySettings(body)), (tkn) => ({ st: Status.Ok, tkn }));
    if (typeof shared !== 'string') return errorBody(shared.st, shared.m);
    return chain(store.sessions.createShared!(shared, expirySettings(body)), ({ token, created }) => ({
      name: shared,
      st: created ? Status.Ok : Status.SessionNewFail,
      tkn: token,
    }));
  },
};

/** SH_OPEN (extension): the token of the live shared session with this name, or 102. */
export const SH_OPEN: CommandDefinition<'SH_OPEN'> = {
  family: 'SH',
  extension: true,
  run: ({ name }, { store }) =>
    chain(store.sessions.openShared!(name), (tkn) => (tkn === undefined ? OPEN_FAILED : { st: Status.Ok, tkn })),
};

export const SH_END: CommandDefinition<'SH_END'> = {
  family: 'SH',
  journaled: true,
  run: ({ tkn }, { store }) => chain(store.sessions.end(tkn), (ended) => ({ st: ended ? Status.Ok : Status.SessionNotExist, tkn })),
};

export const SH_END_ALL: CommandDefinition<'SH_END_ALL'> = {
  family: 'SH',
  journaled: true,
  run: (_body, { store }) => chain(store.sessions.endAll(), (cnt) => ({ cnt, st: Status.Ok })),
};

export const SH_EXISTS: CommandDefinition<'SH_EXISTS'> = {
  family: 'SH',
  run: ({ tkns }, { store }) => {
    const tokens: bigint[] = [];
    for (const item of tkns) {
      const token = readToken(item); // items that are not tokens are ignored
      if (token !== undefined) tokens.push(token);
    }
    return chain(store.sessions.existing(tokens), (exist) => ({ exist, st: Status.Ok }));
  },
};

export const SH_INFO: CommandDefinition<'SH_INFO'> = {
  family: 'SH',
  sessionScoped: true,
  run: ({ tkn }, { store }) =>
    chain(store.sessions.info(tkn), (info) =>
      info === NO_SESSION ? { keyCnt: null, shared: null, st: Status.SessionNotExist, tkn } : infoBody(tkn, info),
    ),
};

export const SH_INFO_ALL: CommandDefinition<'SH_INFO_ALL'> = {
  family: 'SH',
  run: (_body, { store }) =>
    chain(store.sessions.totals(), ({ sessions, keys }) => ({ st: Status.Ok, totalKeys: keys, totalSessions: sessions })),
};

export const SH_SET: CommandDefinition<'SH_SET'> = {
  family: 'SH',
  sessionScoped: true,
  journaled: true,
  grows: true,
  run: ({ tkn, keys }, { store }) => chain(store.sessions.set(tkn, keys, true), (r) => (r === NO_SESSION ? NO_SESSION_BODY : OK)),
};

export const SH_ADD: CommandDefinition<'SH_ADD'> = {
  family: 'SH',
  sessionScoped: true,
  journaled: true,
  grows: true,
  run: ({ tkn, keys }, { store }) => chain(store.sessions.set(tkn, keys, false), (r) => (r === NO_SESSION ? NO_SESSION_BODY : OK)),
};

export const SH_GET: CommandDefinition<'SH_GET'> = {
  family: 'SH',
  sessionScoped: true,
  run: ({ tkn, keys }, { store }) =>
    chain(store.sessions.get(tkn, keys), (found) => (found === NO_SESSION ? NO_SESSION_BODY : { keys: found, st: Status.Ok })),
};

export const SH_RMV: CommandDefinition<'SH_RMV'> = {
  family: 'SH',
  sessionScoped: true,
  journaled: true,
  run: ({ tkn, keys }, { store }) => chain(store.sessions.remove(tkn, keys), (r) => (r === NO_SESSION ? NO_SESSION_BODY : OK)),
};

export const SH_CLEAR: CommandDefinition<'SH_CLEAR'> = {
  family: 'SH',
  sessionScoped: true,
  journaled: true,
  run: ({ tkn }, { store }) => chain(store.sessions.clear(tkn), (cnt) => (cnt === NO_SESSION ? NO_SESSION_BODY : { cnt, st: Status.Ok })),
};

export const SH_COUNT: CommandDefinition<'SH_COUNT'> = {
  family: 'SH',
  sessionScoped: true,
  run: ({ tkn }, { store }) => chain(store.sessions.count(tkn), (cnt) => (cnt === NO_SESSION ? NO_SESSION_BODY : { cnt, st: Status.Ok })),
};

export const SH_CONTAINS: CommandDefinition<'SH_CONTAINS'> = {
  family: 'SH',
  sessionScoped: true,
  run: ({ tkn, keys }, { store }) =>
    chain(store.sessions.contains(tkn, keys), (contains) => (contains === NO_SESSION ? NO_SESSION_BODY : { contains, st: Status.Ok })),
};

export const SH_KEYS: CommandDefinition<'SH_KEYS'> = {
  family: 'SH',
  sessionScoped: true,
  run: ({ tkn }, { store }) => chain(store.sessions.keys(tkn), (keys) => (keys === NO_SESSION ? NO_SESSION_BODY : { keys, st: Status.Ok })),
};

export const SH_CLEAR_SET: CommandDefinition<'SH_CLEAR_SET'> = {
  family: 'SH',
  journaled: true,
  grows: true,
  run: ({ tkn, keys }, { store }) =>
    chain(store.sessions.clearSet(tkn, keys), (cnt) => (cnt === NO_SESSION ? NO_SESSION_BODY : { cnt, st: Status.Ok })),
};
