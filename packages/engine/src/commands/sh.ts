import { Status, readToken, sharedSessionName, errorReplyBody, type SessionExpiry } from '@nemesisdb/protocol';
import { chain } from '../maybe-promise.js';
import { TokenBody, type ReplyBody } from '../replies.js';
import { NO_SESSION, type ExpirySettings, type SessionInfo } from '../store/store.js';
import { containing, counted, inSession, keyList, ok } from './answers.js';
import type { CommandDefinition } from './command.js';

/** SH commands (docs/reference/protocol.md §9): sessions and the keys inside them. */

/** The kinds of SH command, as the engine treats them (see `CommandDefinition`). */
const READS = { family: 'SH' } as const;
const CHANGES = { family: 'SH', journaled: true } as const;
const ADDS = { ...CHANGES, grows: true } as const;
/** One store call on the session of `tkn`: may be pipelined behind others on that session. */
const READS_SESSION = { ...READS, sessionScoped: true } as const;
const CHANGES_SESSION = { ...CHANGES, sessionScoped: true } as const;
const ADDS_SESSION = { ...ADDS, sessionScoped: true } as const;

/** SH_NEW's (or SH_SET_EXPIRY's) expiry as the store keeps it (also what journal replay recreates). */
export function expirySettings(body: { expiry?: SessionExpiry | undefined }): ExpirySettings | undefined {
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

function infoBody(token: bigint, info: SessionInfo): ReplyBody {
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
const OPEN_FAILED: ReplyBody = { st: Status.SessionOpenFail, tkn: null };

// A session command's answer, or 100 without a (live) session: made once here, since
// `inSession` makes a closure and these run on every request.
const okInSession = inSession(ok);
const keysInSession = inSession(keyList);
const countInSession = inSession(counted);
const containingInSession = inSession(containing);

/**
 * SH_NEW. With `shared: true` (and extensions on) the session is shared: named, found by SH_OPEN,
 * and the reply carries the name (upstream v0.6's shape); a live shared session with that name
 * already there is answered 103 with its token, nothing changed. Otherwise exactly v0.7.4: `name`
 * and `shared` are ignored.
 */
export const SH_NEW: CommandDefinition<'SH_NEW'> = {
  ...ADDS,
  createsSession: true,
  run: (body, { store, extensions }) => {
    const shared = extensions ? sharedSessionName(body) : undefined;
    if (shared === undefined) return chain(store.sessions.create(expirySettings(body)), (tkn) => new TokenBody(Status.Ok, tkn));
    if (typeof shared !== 'string') return errorReplyBody(shared.st, shared.m);
    return chain(store.sessions.createShared!(shared, expirySettings(body)), ({ token, created }) => ({
      name: shared,
      st: created ? Status.Ok : Status.SessionNewFail,
      tkn: token,
    }));
  },
};

/** SH_OPEN (extension): the token of the live shared session with this name, or 102. */
export const SH_OPEN: CommandDefinition<'SH_OPEN'> = {
  ...READS,
  extension: true,
  run: ({ name }, { store }) =>
    chain(store.sessions.openShared!(name), (tkn) => (tkn === undefined ? OPEN_FAILED : new TokenBody(Status.Ok, tkn))),
};

export const SH_END: CommandDefinition<'SH_END'> = {
  ...CHANGES,
  run: ({ tkn }, { store }) => chain(store.sessions.end(tkn), (ended) => new TokenBody(ended ? Status.Ok : Status.SessionNotExist, tkn)),
};

/**
 * SH_SET_EXPIRY (extension): new expiry settings for a live session, in place (the token, keys and
 * shared name stay), a new period from now; 100 without a live session, as SH_END answers.
 */
export const SH_SET_EXPIRY: CommandDefinition<'SH_SET_EXPIRY'> = {
  ...CHANGES_SESSION,
  extension: true,
  run: (body, { store }) =>
    chain(
      store.sessions.setExpiry(body.tkn, expirySettings(body)),
      (result) => new TokenBody(result === NO_SESSION ? Status.SessionNotExist : Status.Ok, body.tkn),
    ),
};

export const SH_END_ALL: CommandDefinition<'SH_END_ALL'> = {
  ...CHANGES,
  run: (_body, { store }) => chain(store.sessions.endAll(), (cnt) => ({ cnt, st: Status.Ok })),
};

export const SH_EXISTS: CommandDefinition<'SH_EXISTS'> = {
  ...READS,
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
  ...READS_SESSION,
  run: ({ tkn }, { store }) =>
    chain(store.sessions.info(tkn), (info) =>
      info === NO_SESSION ? { keyCnt: null, shared: null, st: Status.SessionNotExist, tkn } : infoBody(tkn, info),
    ),
};

export const SH_INFO_ALL: CommandDefinition<'SH_INFO_ALL'> = {
  ...READS,
  run: (_body, { store }) =>
    chain(store.sessions.totals(), ({ sessions, keys }) => ({ st: Status.Ok, totalKeys: keys, totalSessions: sessions })),
};

export const SH_SET: CommandDefinition<'SH_SET'> = {
  ...ADDS_SESSION,
  run: ({ tkn, keys }, { store }) => chain(store.sessions.set(tkn, keys, true), okInSession),
};

export const SH_ADD: CommandDefinition<'SH_ADD'> = {
  ...ADDS_SESSION,
  run: ({ tkn, keys }, { store }) => chain(store.sessions.set(tkn, keys, false), okInSession),
};

export const SH_GET: CommandDefinition<'SH_GET'> = {
  ...READS_SESSION,
  run: ({ tkn, keys }, { store }) => chain(store.sessions.get(tkn, keys), keysInSession),
};

export const SH_RMV: CommandDefinition<'SH_RMV'> = {
  ...CHANGES_SESSION,
  run: ({ tkn, keys }, { store }) => chain(store.sessions.remove(tkn, keys), okInSession),
};

export const SH_CLEAR: CommandDefinition<'SH_CLEAR'> = {
  ...CHANGES_SESSION,
  run: ({ tkn }, { store }) => chain(store.sessions.clear(tkn), countInSession),
};

export const SH_COUNT: CommandDefinition<'SH_COUNT'> = {
  ...READS_SESSION,
  run: ({ tkn }, { store }) => chain(store.sessions.count(tkn), countInSession),
};

export const SH_CONTAINS: CommandDefinition<'SH_CONTAINS'> = {
  ...READS_SESSION,
  run: ({ tkn, keys }, { store }) => chain(store.sessions.contains(tkn, keys), containingInSession),
};

export const SH_KEYS: CommandDefinition<'SH_KEYS'> = {
  ...READS_SESSION,
  run: ({ tkn }, { store }) => chain(store.sessions.keys(tkn), keysInSession),
};

export const SH_CLEAR_SET: CommandDefinition<'SH_CLEAR_SET'> = {
  ...ADDS,
  run: ({ tkn, keys }, { store }) => chain(store.sessions.clearSet(tkn, keys), countInSession),
};
