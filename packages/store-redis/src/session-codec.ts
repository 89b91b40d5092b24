import type { ExpirySettings, SessionInfo, SessionRecord } from '@nemesisdb/engine';
import type { ExactJsonObject, UInt64 } from '@nemesisdb/protocol';
import { nameArg, nameFrom } from './keys.js';
import type { ScriptArg, SessionReply } from './scripts.js';
import { createMembers, uintOf, valueOf, valueText } from './values.js';

/** What the session scripts take (ARGV) and answer, in the store's own terms. */

/**
 * Latest deadline a session can have: 2^53 − 1 ms (about 285,000 years), as in the engine's own
 * store. Longer durations (any uint is accepted, docs/reference/protocol.md §14 D3) are kept exactly for SH_INFO
 * and SH_SAVE, and simply never come due.
 */
const LATEST_DEADLINE = Number.MAX_SAFE_INTEGER;

function durationMs(seconds: UInt64): number {
  return Math.min(Number(seconds) * 1000, LATEST_DEADLINE);
}

function isZero(value: UInt64): boolean {
  return value === 0 || value === 0n;
}

export const flag = (on: boolean) => (on ? '1' : '0');
const text = (reply: unknown) => (Buffer.isBuffer(reply) ? reply.toString('utf8') : String(reply));

/**
 * nemesisCreate's ARGV after `now`: shared, the expiry (see `expiryArgs`), then the shared
 * session's name (empty: none).
 */
export function creationArgs(settings: ExpirySettings | undefined, shared: boolean, name?: string): ScriptArg[] {
  const args = expiryArgs(settings, [flag(shared)]);
  args.push(name === undefined ? '' : nameArg(name));
  return args;
}

/**
 * Expiry settings as the scripts take them (nemesisCreate, nemesisSetExpiry), appended to `into`:
 * the duration in seconds (empty: never expires, as for duration 0, whose flags are discarded), in
 * ms, then del, ess, eog.
 */
export function expiryArgs(settings: ExpirySettings | undefined, into: ScriptArg[]): ScriptArg[] {
  if (settings === undefined || isZero(settings.durationSeconds)) {
    into.push('', '', '0', '0', '0');
  } else {
    into.push(
      String(settings.durationSeconds),
      String(durationMs(settings.durationSeconds)),
      flag(settings.deleteSession),
      flag(settings.extendOnSetAdd),
      flag(settings.extendOnGet),
    );
  }
  return into;
}

export function pairs(keys: ExactJsonObject, into: ScriptArg[]): ScriptArg[] {
  for (const key in keys) into.push(nameArg(key), valueText(keys[key]!));
  return into;
}

/** Whole seconds left, truncated toward zero: duration − elapsed seconds rounded up (never < 0). */
function remainingSeconds(duration: UInt64, armedAt: number, now: number): UInt64 {
  const elapsedSeconds = Math.ceil((now - armedAt) / 1000);
  if (typeof duration === 'number') return Math.max(0, duration - elapsedSeconds);
  const remaining = duration - BigInt(elapsedSeconds);
  return remaining > BigInt(Number.MAX_SAFE_INTEGER) ? remaining : Math.max(0, Number(remaining));
}

/** nemesisInfo's answer for a live session. */
export function sessionInfoOf(reply: SessionReply): SessionInfo {
  const [, , shared, keyCount, duration, del, ess, eog, armedAt, now] = reply as [
    number,
    number,
    string,
    number,
    string | null,
    number,
    number,
    number,
    string | null,
    string,
  ];
  const info: SessionInfo = { keyCount, shared: shared === '1' };
  if (duration === null || armedAt === null) return info;
  const durationSeconds = uintOf(duration);
  info.expiry = {
    durationSeconds,
    deleteSession: del === 1,
    extendOnSetAdd: ess === 1,
    extendOnGet: eog === 1,
    remainingSeconds: remainingSeconds(durationSeconds, Number(armedAt), Number(now)),
  };
  return info;
}

/** nemesisDump's answer for a live session (read as buffers): what SH_SAVE writes. */
export function sessionRecordOf(token: bigint, reply: SessionReply): SessionRecord {
  const [, , shared, duration, del, ess, eog, flat, name] = reply as [
    number,
    number,
    Buffer,
    Buffer | null,
    Buffer,
    Buffer,
    Buffer,
    Buffer[],
    Buffer | null,
  ];
  const keys = createMembers();
  for (let i = 0; i + 1 < flat.length; i += 2) keys[nameFrom(flat[i]!)] = valueOf(flat[i + 1]!);
  const expiry: ExpirySettings | undefined =
    duration === null
      ? undefined
      : {
          durationSeconds: uintOf(text(duration)),
          deleteSession: text(del) === '1',
          extendOnSetAdd: text(ess) === '1',
          extendOnGet: text(eog) === '1',
        };
  const record: SessionRecord = { token, shared: text(shared) === '1', expiry, keys };
  if (record.shared && name !== null) record.name = nameFrom(name);
  return record;
}
