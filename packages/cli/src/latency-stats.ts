/**
 * Latency samples summarised in constant memory: min, max, mean exactly, and percentiles from
 * log-spaced buckets 1 % wide (so a p99 of 0.40 ms is within 0.004 ms), however long it runs.
 */
export class LatencyStats {
  private static readonly GROWTH = Math.log(1.01);
  /** Samples below 1 µs share the first bucket. */
  private static readonly FLOOR_MS = 0.001;
  private readonly buckets = new Map<number, number>();
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;
  private sum = 0;

  add(ms: number): void {
    this.count++;
    this.sum += ms;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
    const bucket = ms <= LatencyStats.FLOOR_MS ? 0 : Math.ceil(Math.log(ms / LatencyStats.FLOOR_MS) / LatencyStats.GROWTH);
    this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + 1);
  }

  get mean(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  /** The value below which `fraction` of the samples fall (the bucket's upper bound, capped at max). */
  percentile(fraction: number): number {
    if (this.count === 0) return 0;
    const rank = Math.ceil(fraction * this.count);
    let seen = 0;
    for (const bucket of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(bucket)!;
      if (seen >= rank) return Math.min(this.max, LatencyStats.FLOOR_MS * Math.exp(bucket * LatencyStats.GROWTH));
    }
    return this.max;
  }
}
