/**
 * Session tokens: 64 random bits from the platform CSPRNG (`crypto.getRandomValues`), never 0
 * (docs/reference/protocol.md §6, §14 D4). Upstream draws from a Mersenne Twister seeded with 32 bits, so its
 * token sequence after a restart is one of 2^32; ours are unguessable bearer secrets.
 */
export interface TokenSource {
  next(): bigint;
}

/** Tokens drawn in batches: one CSPRNG call per 256 sessions instead of one per session. */
export class RandomTokens implements TokenSource {
  private readonly batch = new BigUint64Array(256);
  private index = this.batch.length;

  next(): bigint {
    for (;;) {
      if (this.index === this.batch.length) {
        crypto.getRandomValues(this.batch);
        this.index = 0;
      }
      const token = this.batch[this.index++]!;
      if (token !== 0n) return token;
    }
  }
}
