/**
 * The session tokens the server has returned, for `$tkn` (the last one) and `$1`, `$2`, … (each
 * token in the order it first came back, so a number never changes meaning). Tokens are kept as
 * `bigint`: all 64 bits, exactly.
 */
export class TokenBook {
  private readonly tokens: bigint[] = [];
  /** Token → its number: a bulk load returns tens of thousands. */
  private readonly numbers = new Map<bigint, number>();
  private last: bigint | undefined;

  /** Records a token seen in a reply; returns its number (`1` for `$1`) and whether it is new. */
  record(token: bigint): { index: number; added: boolean } {
    this.last = token;
    const known = this.numbers.get(token);
    if (known !== undefined) return { index: known, added: false };
    this.tokens.push(token);
    this.numbers.set(token, this.tokens.length);
    return { index: this.tokens.length, added: true };
  }

  /** The token a variable (`tkn`, `1`, `2`, …) stands for, or `undefined`. */
  lookup(name: string): bigint | undefined {
    if (name === 'tkn') return this.last;
    const index = Number(name);
    return Number.isInteger(index) && index >= 1 ? this.tokens[index - 1] : undefined;
  }

  /** Every token with its number, oldest first. */
  list(): { index: number; token: bigint; last: boolean }[] {
    return this.tokens.map((token, i) => ({ index: i + 1, token, last: token === this.last }));
  }
}
