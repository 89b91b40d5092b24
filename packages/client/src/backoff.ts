/** How the client reconnects after losing its connection (see {@link ClientOptions.reconnect}). */
export interface ReconnectOptions {
  /** Delay before the first attempt, in ms. Default 100. */
  initialDelayMs?: number;
  /** Upper bound of the delay between attempts, in ms. Default 10 000. */
  maxDelayMs?: number;
  /** Growth of the delay from one attempt to the next. Default 2. */
  factor?: number;
  /**
   * Fraction of each delay that is random, from 0 (fixed delays) to 1 ("full jitter": anywhere
   * from 0 to the delay). Default 0.5. Jitter keeps many clients that lost the same server from
   * reconnecting in lockstep.
   */
  jitter?: number;
  /** Attempts before giving up (the client then closes). Default `Infinity`. */
  maxAttempts?: number;
}

/** {@link ReconnectOptions} with every default applied. */
export type ReconnectPolicy = Readonly<Required<ReconnectOptions>>;

export const DEFAULT_RECONNECT: ReconnectPolicy = {
  initialDelayMs: 100,
  maxDelayMs: 10_000,
  factor: 2,
  jitter: 0.5,
  maxAttempts: Number.POSITIVE_INFINITY,
};

/**
 * Applies the defaults and checks the values.
 *
 * @throws RangeError on a negative delay, a factor below 1, jitter outside 0…1, or fewer than 1 attempt.
 */
export function reconnectPolicy(options: ReconnectOptions = {}): ReconnectPolicy {
  const policy = { ...DEFAULT_RECONNECT, ...stripUndefined(options) };
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new RangeError(`reconnect.${what}`);
  };
  check(
    policy.initialDelayMs >= 0 && Number.isFinite(policy.initialDelayMs),
    `initialDelayMs must be a finite number ≥ 0 (got ${policy.initialDelayMs})`,
  );
  check(policy.maxDelayMs >= policy.initialDelayMs, `maxDelayMs must be ≥ initialDelayMs (got ${policy.maxDelayMs})`);
  check(policy.factor >= 1, `factor must be ≥ 1 (got ${policy.factor})`);
  check(policy.jitter >= 0 && policy.jitter <= 1, `jitter must be from 0 to 1 (got ${policy.jitter})`);
  check(policy.maxAttempts >= 1, `maxAttempts must be ≥ 1 (got ${policy.maxAttempts})`);
  return policy;
}

/**
 * The delay before reconnect attempt `attempt` (1-based): capped exponential growth,
 * `min(maxDelayMs, initialDelayMs · factor^(attempt−1))`, of which the `jitter` fraction is random.
 */
export function reconnectDelay(attempt: number, policy: ReconnectPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - policy.jitter * random()));
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
