// One session held in memory and its expiry: the deadline arithmetic of exact expiry
// (docs/reference/protocol.md §7), kept apart from the store that indexes the sessions.
import type { ExactJsonValue, UInt64 } from '@nemesisdb/protocol';
import type { Expirable } from '../../expiry/expiry-queue.js';
import type { ExpirySettings } from '../store.js';

/**
 * Latest deadline a session can have: 2^53 − 1 ms (about 285,000 years). Longer durations (any
 * uint is accepted, §14 D3) are kept exactly for SH_INFO and SH_SAVE, and simply never come due.
 */
export const LATEST_DEADLINE = Number.MAX_SAFE_INTEGER;

/** A session held in memory. Expiry fields live apart, so sessions that never expire stay small. */
export class MemorySession {
  /** `data` is held by a snapshot being read: copy it before changing it. */
  captured = false;

  constructor(
    readonly token: bigint,
    public data: Map<string, ExactJsonValue>,
    public expiry: SessionExpiry | null,
    readonly shared: boolean,
    /** A shared session's name (extension), while the name index points here. */
    readonly name: string | undefined,
  ) {}
}

/** A session's expiry settings and deadline; also its entry in the expiry queue. */
export class SessionExpiry implements Expirable {
  /** Engine-clock ms: the session is visible up to and including this millisecond. */
  deadline = 0;
  /** When the current period began (deadline − duration): SH_INFO's `remaining` counts from it. */
  armedAt = 0;
  dueSlot = -1;
  duePrev: Expirable | null = null;
  dueNext: Expirable | null = null;

  constructor(
    readonly session: MemorySession,
    readonly settings: ExpirySettings,
    /** The duration in ms, capped so that deadlines stay exact numbers. */
    readonly durationMs: number,
  ) {}

  /** Starts a period at `now`: the deadline is `now + duration`. */
  arm(now: number): void {
    this.armedAt = now;
    this.deadline = Math.min(now + this.durationMs, LATEST_DEADLINE);
  }
}

export function durationMs(seconds: UInt64): number {
  const ms = typeof seconds === 'bigint' ? Number(seconds) * 1000 : seconds * 1000;
  return Math.min(ms, LATEST_DEADLINE);
}

export function isZero(value: UInt64): boolean {
  return value === 0 || value === 0n;
}

/** Whole seconds left, truncated toward zero: duration − elapsed seconds rounded up. */
export function remainingSeconds(expiry: SessionExpiry, now: number): UInt64 {
  const elapsedSeconds = Math.ceil((now - expiry.armedAt) / 1000);
  const duration = expiry.settings.durationSeconds;
  if (typeof duration === 'number') return Math.max(0, duration - elapsedSeconds);
  const remaining = duration - BigInt(elapsedSeconds);
  return remaining > BigInt(Number.MAX_SAFE_INTEGER) ? remaining : Number(remaining);
}
