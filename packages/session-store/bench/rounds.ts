// What the session-store benches do with the rounds they measured.

/** The sum of one figure over a store's rounds (calls, seconds, CPU seconds, …). */
export function total<R>(rounds: readonly R[], figure: (round: R) => number): number {
  return rounds.reduce((sum, round) => sum + figure(round), 0);
}
