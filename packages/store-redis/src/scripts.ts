// One Lua script per session operation: each command is atomic because Redis runs a script alone,
// and each script touches only the two keys of one session, which share a slot (see keys.ts), so
// it runs on the one master that owns them. Scripts are sent with EVALSHA (ioredis'
// `defineCommand`, which falls back to EVAL once per node after NOSCRIPT, e.g. on a replica just
// promoted by a failover: script caches are not replicated). Usually they travel in batches: one
// run of `BATCH_LUA` runs the scripts of many calls on one master in turn (session-batches.ts).
//
// Every script starts by applying any expiry that is due (docs/reference/protocol.md §7, exact expiry), so no
// command can see a session unexpired after its deadline, nor extend it:
// - `now` is the master's own clock (TIME), unless the caller passes its clock in ARGV[1]; the
//   master's clock is the one PEXPIREAT obeys, so the lazy check and Redis' own expiry agree, and
//   all NemesisDB servers agree because they ask the same master;
// - a session is due when `now > deadline` (Redis expires a key when its time is past PEXPIREAT,
//   the same rule), so it is visible at its deadline and gone one millisecond after;
// - deleteSession:true: both keys carry PEXPIREAT at the deadline, so Redis reclaims a session
//   nobody touches by itself; a script that finds it due deletes it at once;
// - deleteSession:false: the data key carries PEXPIREAT at the deadline (Redis clears the keys by
//   itself, exactly then), and the meta key keeps the session; a script that finds the deadline
//   passed moves it on by whole periods (deadline + k·duration: no drift) and clears the keys;
// - extendOnGet / extendOnSetAdd set the deadline to now + duration, only on a live session;
// - SH_SET_EXPIRY (extension) gives a live session new settings and a new period from now: each
//   key's PEXPIREAT moves to the new deadline, or goes where the new settings want none.
//
// Numbers: Lua numbers are doubles, exact for the integers used here (ms below 2^53); they are
// written with %.0f because Redis turns a Lua number into text with %.14g, which would round a
// 16-digit deadline.

import { createHash } from 'node:crypto';
import type { Cluster } from 'ioredis';

/** What every session script starts with, once per script run. */
const CONSTANTS = `
-- Replicate the effects, not the script: it reads TIME, then writes (always so since Redis 7).
if redis.replicate_commands then redis.replicate_commands() end
local LATEST = 9007199254740991
local function fmt(n) return string.format('%.0f', n) end
`;

/** A session script's state: its clock reading, its keys, whether it applied an expiry. */
const CALL_STATE = `
local now
if ARGV[1] ~= '' then
  now = tonumber(ARGV[1])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local meta, data = KEYS[1], KEYS[2]
local expired = 0
-- How many of the two keys exist, when the caller already knows (the batch's locality check).
-- Only 0 is acted on: a count reused from an earlier call of the run may be low by the data key.
local present
-- Set when an expiry set by this call may have made Redis delete a key at once (see expire_at).
local gone_now = false
-- The session's settings when the caller already read them (in the batch, an earlier call of the
-- run on the same session), and those live() found, for the caller to keep.
local known, seen
`;

/** The functions session scripts share, over the state above (and ARGV). */
const HELPERS = `
local function expire_at(key, s)
  if s.deadline ~= nil and s.deadline < LATEST then
    -- Redis deletes the key at once when the time is not in the future by its own clock, which
    -- may be ahead of \`now\` (read once per run): a second covers any run.
    if s.deadline <= now + 1000 then gone_now = true end
    redis.call('PEXPIREAT', key, fmt(s.deadline))
  end
end

-- The session after applying any expiry that is due, or nil when there is none (any more).
local function live()
  if present == 0 then return nil end -- neither key exists: no session, and nothing to expire
  local s = known
  if s == nil then
    local m = redis.call('HMGET', meta, 'sh', 'dl', 'ms', 'del', 'ess', 'eog')
    if not m[1] then return nil end
    s = { shared = m[1], deadline = tonumber(m[2]), ms = tonumber(m[3]),
          del = m[4] == '1', ess = m[5] == '1', eog = m[6] == '1' }
  end
  if s.deadline == nil or now <= s.deadline then
    seen = s
    return s
  end
  expired = 1
  if s.del then
    redis.call('DEL', meta, data)
    return nil
  end
  redis.call('DEL', data)
  local periods = math.max(1, math.ceil((now - s.deadline) / s.ms))
  s.deadline = math.min(s.deadline + periods * s.ms, LATEST)
  redis.call('HSET', meta, 'dl', fmt(s.deadline), 'arm', fmt(s.deadline - s.ms))
  return s
end

-- A shared session's name key outlives the session by a slack of one duration (1 min to 1 h), so
-- that Redis reclaims the name of a session it deleted by expiry; the key is checked against the
-- session on every use, so a name past its session is never believed (see sessions.ts).
local function name_expiry(deadline, ms)
  return math.min(deadline + math.min(math.max(ms, 60000), 3600000), LATEST)
end

-- Set by extend() when a shared deleteSession:true session's name key must live longer, to
-- {name, time}: the caller then moves that name key's expiry (another slot, so another command).
local name_refresh = false

-- A new period from now (extendOnGet / extendOnSetAdd); nothing for a session that never expires.
local function extend(s)
  if s.deadline == nil then return end
  s.deadline = math.min(now + s.ms, LATEST)
  redis.call('HSET', meta, 'dl', fmt(s.deadline), 'arm', fmt(now))
  expire_at(data, s)
  if s.del then
    expire_at(meta, s)
    local nx = tonumber(redis.call('HGET', meta, 'nx'))
    -- Renewed once half the slack is used up, not on every extend.
    local target = name_expiry(s.deadline, s.ms)
    if nx ~= nil and s.deadline + (target - s.deadline) / 2 > nx then
      redis.call('HSET', meta, 'nx', fmt(target))
      name_refresh = { redis.call('HGET', meta, 'nm'), fmt(target) }
    end
  end
end

-- ARGV[from..] as name, value pairs into the data hash, in slices (Lua's unpack has a limit).
-- Answers how many names were new to the hash.
local function write_pairs(from, keep_existing)
  local i = from
  local added = 0
  while i < #ARGV do
    local last = math.min(i + 999, #ARGV)
    if keep_existing then
      for j = i, last, 2 do added = added + redis.call('HSETNX', data, ARGV[j], ARGV[j + 1]) end
    else
      added = added + redis.call('HSET', data, unpack(ARGV, i, last))
    end
    i = last + 1
  end
  return added
end

-- HMGET / HDEL of the names ARGV[from..], in slices.
local function each_slice(command, from, out)
  local i = from
  while i <= #ARGV do
    local last = math.min(i + 999, #ARGV)
    local part = redis.call(command, data, unpack(ARGV, i, last))
    if out ~= nil then for j = 1, #part do out[#out + 1] = part[j] end end
    i = last + 1
  end
  return out
end
`;

const PRELUDE = CONSTANTS + CALL_STATE + HELPERS;

/**
 * A session script that acts on a live session only: with none (never created, ended, or just
 * expired by live()), it answers {0, expired}; otherwise s holds the session's settings.
 */
const onLiveSession = (body: string) => `
local s = live()
if s == nil then return {0, expired} end${body}`;

/** Session scripts: KEYS = meta, data; ARGV[1] = the caller's clock in ms, or '' for the master's. */
const SESSION_SCRIPTS = {
  // ARGV: now, shared, duration s ('' = never), duration ms, del, ess, eog, shared name ('' =
  // none), then name/value pairs. Creates only when no live session has the token (SET NX
  // semantics, so two servers can never create the same session); a due session in the way is
  // expired first. Answers the key count and, for a named deleteSession:true session, when its
  // name key is to expire.
  // The meta hash in one HSET, and the key count from HSET's own answers: a new session
  // whose keys do not exist yet costs its master one command besides the batch's check.
  nemesisCreate: `
if live() ~= nil then return {0, expired} end
if present ~= 0 then redis.call('DEL', data) end
local fields = {'sh', ARGV[2]}
if ARGV[8] ~= '' then fields[#fields + 1] = 'nm'; fields[#fields + 1] = ARGV[8] end
local s = {}
local nx = false
if ARGV[3] ~= '' then
  s = { ms = tonumber(ARGV[4]), del = ARGV[5] == '1' }
  s.deadline = math.min(now + s.ms, LATEST)
  for _, v in ipairs({'dur', ARGV[3], 'ms', ARGV[4], 'del', ARGV[5], 'ess', ARGV[6], 'eog', ARGV[7],
                      'dl', fmt(s.deadline), 'arm', fmt(now)}) do fields[#fields + 1] = v end
  if s.del and ARGV[8] ~= '' then
    nx = fmt(name_expiry(s.deadline, s.ms))
    fields[#fields + 1] = 'nx'; fields[#fields + 1] = nx
  end
end
redis.call('HSET', meta, unpack(fields))
if s.del then expire_at(meta, s) end
local keys = write_pairs(9, false) -- all new: the data hash was empty
expire_at(data, s)
return {1, expired, keys, nx}`,

  // Answers the shared name of the session it ended (false if none), for the name key's release.
  nemesisEnd: onLiveSession(`
local nm = redis.call('HGET', meta, 'nm')
redis.call('DEL', meta, data)
return {1, expired, nm}`),

  // ARGV: now, then the new expiry as nemesisCreate takes it (duration s, '' = never; ms; del; ess;
  // eog). SH_SET_EXPIRY: live() first, so a session past its deadline is gone (deleteSession:true)
  // or cleared and re-armed (deleteSession:false) before it gets the new settings, as any command
  // would find it. The expiry fields nemesisCreate writes are written anew for a period from now,
  // or removed when the session no longer expires; each key's PEXPIREAT is set to the new
  // deadline or removed (PERSIST) where the new settings want none (the meta key of a
  // deleteSession:false session, both keys of one that never expires): a key left with its old
  // one would be reclaimed by Redis at the old deadline. Answers, for a shared session whose name
  // key must expire otherwise, {name, time ('' = never)}: the caller sets it (another slot).
  nemesisSetExpiry: onLiveSession(`
local m = redis.call('HMGET', meta, 'nm', 'nx')
local n = {} -- the new settings (without a deadline: never expires)
local nx = false
if ARGV[2] == '' then
  redis.call('HDEL', meta, 'dur', 'ms', 'del', 'ess', 'eog', 'dl', 'arm', 'nx')
else
  n = { ms = tonumber(ARGV[3]), del = ARGV[4] == '1' }
  n.deadline = math.min(now + n.ms, LATEST)
  local fields = {'dur', ARGV[2], 'ms', ARGV[3], 'del', ARGV[4], 'ess', ARGV[5], 'eog', ARGV[6],
                  'dl', fmt(n.deadline), 'arm', fmt(now)}
  -- A shared deleteSession:true session's name key expires a slack after it (see name_expiry);
  -- any other session's never does: Redis must not reclaim the name of a session that stays.
  if n.del and m[1] then
    nx = fmt(name_expiry(n.deadline, n.ms))
    fields[#fields + 1] = 'nx'; fields[#fields + 1] = nx
  elseif m[2] then
    redis.call('HDEL', meta, 'nx')
  end
  redis.call('HSET', meta, unpack(fields))
end
-- expire_at sets nothing for a deadline that never comes due: such a key is made persistent too.
if n.deadline ~= nil and n.deadline < LATEST then
  expire_at(data, n)
  if n.del then expire_at(meta, n) else redis.call('PERSIST', meta) end
else
  redis.call('PERSIST', meta)
  redis.call('PERSIST', data)
end
if m[1] and nx ~= m[2] then name_refresh = { m[1], nx or '' } end
return {1, expired, name_refresh}`),

  // ARGV: now, name. Whether the session lives and is the shared session of that name: what a
  // name key says is believed only once the session agrees (it may have ended or expired since).
  // Also answers when the session wants its name key to expire (nx; nil: never), for the check
  // that follows a change of it (sessions.ts, settleName).
  nemesisOwns: onLiveSession(`
local m = redis.call('HMGET', meta, 'nm', 'nx')
if m[1] ~= ARGV[2] then return {0, expired} end
return {1, expired, m[2]}`),

  // Also SH_INFO_ALL's probe: whether the session lives, and how many keys it holds.
  nemesisProbe: onLiveSession(`
return {1, expired, redis.call('HLEN', data)}`),

  nemesisInfo: onLiveSession(`
local m = redis.call('HMGET', meta, 'dur', 'arm')
return {1, expired, s.shared, redis.call('HLEN', data), m[1] or false, s.del and 1 or 0, s.ess and 1 or 0,
        s.eog and 1 or 0, m[2] or false, fmt(now)}`),

  // ARGV: now, '1' to overwrite (SH_SET) or '0' to keep existing keys (SH_ADD), name/value pairs.
  nemesisSet: onLiveSession(`
write_pairs(3, ARGV[2] ~= '1')
if s.ess then extend(s) end
expire_at(data, s)
return {1, expired, name_refresh}`),

  // ARGV: now, names (distinct).
  nemesisGet: onLiveSession(`
local values = each_slice('HMGET', 2, {})
if s.eog then extend(s) end
return {1, expired, values, name_refresh}`),

  nemesisRemove: onLiveSession(`
each_slice('HDEL', 2, nil)
return {1, expired}`),

  nemesisClear: onLiveSession(`
local n = redis.call('HLEN', data)
redis.call('DEL', data)
return {1, expired, n}`),

  nemesisContains: onLiveSession(`
local found = {}
for i = 2, #ARGV do found[#found + 1] = redis.call('HEXISTS', data, ARGV[i]) end
return {1, expired, found}`),

  nemesisKeys: onLiveSession(`
return {1, expired, redis.call('HKEYS', data)}`),

  // ARGV: now, name/value pairs. Clears then sets; never extends.
  nemesisClearSet: onLiveSession(`
local n = redis.call('HLEN', data)
redis.call('DEL', data)
write_pairs(2, false)
expire_at(data, s)
return {1, expired, n}`),

  // SH_SAVE: the settings and every key of a live session.
  nemesisDump: onLiveSession(`
local m = redis.call('HMGET', meta, 'dur', 'del', 'ess', 'eog', 'nm')
return {1, expired, s.shared, m[1] or false, m[2] or '0', m[3] or '0', m[4] or '0', redis.call('HGETALL', data), m[5] or false}`),
} as const;

/**
 * One-key scripts: KV_UPDATE / KV_ARR_APPEND write back only if nobody changed the value since it
 * was read; a shared session's name key (`<prefix>{n:<name>}`, the holder's token) is claimed,
 * released and kept alive only by the session that holds it.
 */
const KV_SCRIPTS = {
  nemesisKvSwap: `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1`,

  // ARGV: token, the holder it may replace ('' = only a free name), expiry ms ('' = none).
  // Answers 1 when the name is now the token's, else the holder's token.
  nemesisNameClaim: `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[2] then return holder end
redis.call('SET', KEYS[1], ARGV[1])
if ARGV[3] ~= '' then redis.call('PEXPIREAT', KEYS[1], ARGV[3]) end
return 1`,

  // ARGV: token. Frees the name if this token holds it.
  nemesisNameRelease: `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1`,

  // ARGV: token, expiry ms. Moves the name key's expiry later (GT), if this token holds it.
  nemesisNameExpire: `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIREAT', KEYS[1], ARGV[2], 'GT')
return 1`,

  // ARGV: token, expiry ms ('' = none). Sets the name key's expiry to exactly that, earlier or
  // later than it was, or removes it, if this token holds it: after SH_SET_EXPIRY, whose session
  // may now want its name key kept for good, or expiring where it did not (GT cannot do either).
  nemesisNameSetExpiry: `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('PERSIST', KEYS[1]) else redis.call('PEXPIREAT', KEYS[1], ARGV[2]) end
return 1`,
} as const;

export type SessionScript = keyof typeof SESSION_SCRIPTS;

/** Each session script's number in the batch script. */
export const SESSION_SCRIPT_IDS = Object.fromEntries(Object.keys(SESSION_SCRIPTS).map((name, i) => [name, i + 1])) as Record<
  SessionScript,
  number
>;

/**
 * Scripts that delete no key of their session, but for an expiry (see `served` in `BATCH_LUA`).
 * Not nemesisSetExpiry, which deletes none either: it replaces the settings a later call of the
 * run would reuse, so the next call on the session reads them anew.
 */
const KEEPS_KEYS: readonly SessionScript[] = [
  'nemesisOwns',
  'nemesisProbe',
  'nemesisInfo',
  'nemesisSet',
  'nemesisGet',
  'nemesisContains',
  'nemesisKeys',
  'nemesisDump',
];

/**
 * Several session calls in one script run (session-batches.ts), on the master that owns their
 * sessions. No KEYS (they span many slots, which Redis refuses to route); ARGV: the layout's
 * session head (`<prefix>{s:`, see keys.ts), then for each call its script's number, its argument
 * count n, its session's token, then its n arguments (ARGV[1] of its own script first). Each call
 * runs its own script's body, unchanged, with its own state (keys built as `KeyLayout` builds
 * them, ARGV, expiry) and the master's clock read once for the run (or the caller's `now`).
 * - First, EXISTS over the call's two keys asks the master whether it serves them now: a slot that
 *   moved, or is moving with one key gone, fails there, before anything is changed, and the call
 *   answers {-2, why} for the caller to send it again through the cluster client. Its count of
 *   the keys that exist is kept (`present`): with neither there is no session to read or expire,
 *   so a call on one answers at once, and a create on a fresh token writes without reading or
 *   deleting first (SH_NEW: 2 commands instead of 5; on a lone redis-server, 5.0–6.4 → 4.4 µs
 *   of its time per call).
 *   A later call on the same session in the same run reuses that answer and the settings the
 *   first one read (a slot cannot move during a run) unless a call since may have deleted one of
 *   its keys: one check and one read of the settings per session and batch under own-session
 *   traffic (the check alone, on a lone redis-server, 40 calls on 5 sessions per batch: SH_SET
 *   5.0–5.9 → 4.2–4.4 µs, SH_GET 5.5–6.7 → 5.2–5.3 µs of its time per call).
 * - A call that raises an error answers {-1, message}; the next ones still run, as separate scripts
 *   would.
 * The flag (Redis 7+) lets one run touch the slots of many sessions, all on this master.
 */
export const BATCH_LUA = `#!lua flags=allow-cross-slot-keys
local BATCH = ARGV
-- Each call's state (CALL_STATE of a script on its own), set before it runs; the helpers and the
-- calls' scripts are closures over it, made once per run rather than once per call.
local ARGV, now, meta, data, expired, present, gone_now, known, seen
${CONSTANTS}
${HELPERS}
local scripts = {
${Object.values(SESSION_SCRIPTS)
  .map((body) => `function()\n${body}\nend`)
  .join(',\n')}
}
local head = BATCH[1]
local out = {}
-- The scripts that never delete a key of their session (an expiry they apply aside).
local keeps_keys = { ${KEEPS_KEYS.map((name) => `[${SESSION_SCRIPT_IDS[name]}] = true`).join(', ')} }
-- Sessions whose keys this run has found served here, by token, with the count EXISTS gave: a
-- slot cannot move during a run, so a later call on the session needs no check of its own as
-- long as no call since could have deleted one of its keys (own-session traffic: one EXISTS per
-- session and batch instead of one per call). With them, the settings live() read (\`settings\`):
-- only this run's calls change them meanwhile, and extend() keeps the table it changes in step.
local served, settings = {}, {}
local a = 2
-- The master's clock, read once: the whole run takes place within it (nothing else runs meanwhile).
local clock
-- A batch that does not parse is refused whole, before any call runs: read out of step, a count
-- could be any number, and hold the master in the loop below for good.
while a <= #BATCH do
  local id, n = tonumber(BATCH[a]), tonumber(BATCH[a + 1])
  if scripts[id] == nil or n == nil or n < 0 or n % 1 ~= 0 or a + 2 + n > #BATCH then
    return redis.error_reply('ERR malformed session batch at argument ' .. a)
  end
  a = a + 3 + n
end
a = 2
while a <= #BATCH do
  local id, n, token = tonumber(BATCH[a]), tonumber(BATCH[a + 1]), BATCH[a + 2]
  local args = {}
  for j = 1, n do args[j] = BATCH[a + 2 + j] end
  a = a + 3 + n
  meta, data = head .. token .. '}:meta', head .. token .. '}:data'
  local reply
  local here = served[token]
  if here == nil then here = redis.pcall('EXISTS', meta, data) end
  if type(here) == 'table' and here.err then
    reply = { -2, tostring(here.err) }
  else
    if args[1] ~= '' then
      now = tonumber(args[1])
    else
      if clock == nil then
        local t = redis.call('TIME')
        clock = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      end
      now = clock
    end
    ARGV, expired, name_refresh, present, gone_now = args, 0, false, here, false
    known, seen = settings[token], nil
    local ok, result = pcall(scripts[id])
    -- Remembered only on the master's clock: a caller's clock may be anywhere beside Redis' own.
    if ok and expired == 0 and not gone_now and keeps_keys[id] and args[1] == '' then
      served[token], settings[token] = here, seen
    else
      served[token], settings[token] = nil, nil
    end
    if not ok then
      reply = { -1, type(result) == 'table' and tostring(result.err) or tostring(result) }
    elseif result == nil then
      reply = false
    else
      reply = result
    end
  end
  out[#out + 1] = reply
end
return out`;

export const BATCH_SHA = createHash('sha1').update(BATCH_LUA).digest('hex');
export type ScriptArg = string | Buffer | number;

/** What a session script answers: [live 0/1, expiry applied 0/1, …its own results]. */
export type SessionReply = [live: number, expired: number, ...rest: unknown[]];

type Runner = (...args: ScriptArg[]) => Promise<unknown>;

/** The scripts, defined once on a cluster connection, called by name. */
export class Scripts {
  constructor(private readonly cluster: Cluster) {
    for (const [name, body] of Object.entries(SESSION_SCRIPTS)) cluster.defineCommand(name, { numberOfKeys: 2, lua: PRELUDE + body });
    for (const [name, lua] of Object.entries(KV_SCRIPTS)) cluster.defineCommand(name, { numberOfKeys: 1, lua });
  }

  /** Runs a session script; names and values come back as text. */
  session(name: SessionScript, meta: string, data: string, now: string, args: readonly ScriptArg[] = []): Promise<SessionReply> {
    return this.runner(name)(meta, data, now, ...args) as Promise<SessionReply>;
  }

  /** Runs a session script; names and values come back as bytes (for names: see `nameFrom`). */
  sessionBuffer(name: SessionScript, meta: string, data: string, now: string, args: readonly ScriptArg[] = []): Promise<SessionReply> {
    return this.runner(`${name}Buffer`)(meta, data, now, ...args) as Promise<SessionReply>;
  }

  /** Replaces the value of `key` with `next` if it is still `previous`; false when it changed. */
  async kvSwap(key: ScriptArg, previous: string, next: string): Promise<boolean> {
    return (await this.runner('nemesisKvSwap')(key, previous, next)) === 1;
  }

  /** Claims a name key for `token` (replacing `replacing`, if it still holds it): true, or the holder's token. */
  async nameClaim(key: string, token: bigint, replacing: bigint | undefined, expiresAt: string | null): Promise<true | bigint> {
    const reply = await this.runner('nemesisNameClaim')(
      key,
      String(token),
      replacing === undefined ? '' : String(replacing),
      expiresAt ?? '',
    );
    return reply === 1 ? true : BigInt(String(reply));
  }

  /** Frees a name key if `token` holds it. */
  async nameRelease(key: string, token: bigint): Promise<void> {
    await this.runner('nemesisNameRelease')(key, String(token));
  }

  /** Moves a name key's expiry later, if `token` holds it. */
  async nameExpire(key: string, token: bigint, expiresAt: string): Promise<void> {
    await this.runner('nemesisNameExpire')(key, String(token), expiresAt);
  }

  /** Sets a name key's expiry to `expiresAt` exactly ('' = none), if `token` holds it. */
  async nameSetExpiry(key: string, token: bigint, expiresAt: string): Promise<void> {
    await this.runner('nemesisNameSetExpiry')(key, String(token), expiresAt);
  }

  private readonly runners = new Map<string, Runner>();

  private runner(name: string): Runner {
    let runner = this.runners.get(name);
    if (runner === undefined) {
      runner = (this.cluster as unknown as Record<string, Runner>)[name]!.bind(this.cluster);
      this.runners.set(name, runner);
    }
    return runner;
  }
}
