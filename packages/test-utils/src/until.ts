/**
 * Resolves once `condition()` holds, polling every few milliseconds; rejects after `timeoutMs`
 * (naming `what` was awaited). For effects that arrive over sockets or timers, which a test cannot
 * await directly.
 */
export async function until(
  condition: () => boolean,
  { what = 'a condition', timeoutMs = 5000 }: { what?: string; timeoutMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
