/**
 * Sessions by token: the values in insertion order, and an open-addressing index over them
 * (linear probing) that holds each token's low 32 bits inline in one typed array.
 *
 * Why not a `Map<bigint, …>`: V8 hashes a BigInt key into buckets of chained entries, each entry's
 * key a separate heap object, and a lookup compares the keys of the entries it walks past: in a
 * large map those are other sessions' entries and keys, out of the cache. The index compares the
 * low bits in place and reads only the session it returns. Measured (node 20, lookups by freshly
 * decoded tokens): of the 10 k sessions a workload uses among 3 M, 51–73 ns a lookup against
 * `Map`'s 303–326 ns; uniformly over all 3 M, 660–700 against 630–690 ns (every lookup misses).
 * In the load bench's sessions mix (a pool of 10 k sessions addressed while SH_NEWs add
 * millions), `Map` lookups were 16 % of the server's CPU at 4 × 64.
 *
 * Why insertion order (as `Map` has): values made one after the other sit together in memory, so
 * a pass over all of them in that order (SH_SAVE's capture, which pauses the server) reads memory
 * in sequence. In the index's order the same pass over 1 M sessions took 167 ms instead of 56.
 *
 * A slot whose low bits match is believed only if its value's token is the token asked for
 * (`value.token`, which the lookup returns anyway): exact for any bigint, even one beyond 64 bits.
 */
export interface HasToken {
  readonly token: bigint;
}

/** Most slots in use before the index doubles; linear probing stays short below this. */
const MAX_LOAD = 0.75;
/** Fewest slots in use before it halves (after mass expiry): keeps memory in step with the sessions. */
const MIN_LOAD = 0.125;
const MIN_CAPACITY = 16;

/** Converts a token to its two halves without allocating (a BigInt op would make new BigInts). */
const scratch64 = new BigUint64Array(1);
const scratch32 = new Int32Array(scratch64.buffer);

export class TokenMap<V extends HasToken> {
  /** Slot i: the token's low 32 bits at [2i], its value's place in `entries` + 1 at [2i + 1] (0: free). */
  private index = new Int32Array(2 * MIN_CAPACITY);
  private mask = MIN_CAPACITY - 1;
  /** The values in insertion order; `undefined` where one was deleted, until the next rebuild. */
  private entries: (V | undefined)[] = [];
  private live = 0;
  /**
   * Mixed into every slot's hash (`tokenHash`): tokens are random, but a user may load chosen ones
   * (SH_LOAD, a journal), and an unknown seed keeps them from being chosen to collide.
   */
  private readonly seed = (Math.random() * 0x1_0000_0000) | 0;

  get size(): number {
    return this.live;
  }

  get(token: bigint): V | undefined {
    const slot = this.find(token);
    return slot < 0 ? undefined : this.entries[this.index[2 * slot + 1]! - 1];
  }

  has(token: bigint): boolean {
    return this.find(token) >= 0;
  }

  /** Adds the value of `value.token`, or replaces it in its place. */
  set(value: V): void {
    const token = value.token;
    scratch64[0] = token;
    const low = scratch32[0]!;
    const index = this.index;
    const mask = this.mask;
    // One probe: the token's slot, or the free slot that ends its run, where it goes.
    let slot = this.home(low, scratch32[1]!);
    for (; ; slot = (slot + 1) & mask) {
      const entry = index[2 * slot + 1]!;
      if (entry === 0) break;
      if (index[2 * slot] === low && this.entries[entry - 1]!.token === token) {
        this.entries[entry - 1] = value;
        return;
      }
    }
    this.entries.push(value);
    this.live++;
    if (this.live > (mask + 1) * MAX_LOAD) {
      this.rebuild(2 * (mask + 1));
      return;
    }
    index[2 * slot] = low;
    index[2 * slot + 1] = this.entries.length;
  }

  /** Removes the value of `token`; whether there was one. */
  delete(token: bigint): boolean {
    const slot = this.find(token);
    if (slot < 0) return false;
    this.entries[this.index[2 * slot + 1]! - 1] = undefined;
    this.vacate(slot);
    this.live--;
    const capacity = this.mask + 1;
    if (this.live < capacity * MIN_LOAD && capacity > MIN_CAPACITY) this.rebuild(capacity / 2);
    // Holes are dropped once they outnumber the values: the pass is paid for by the deletes.
    else if (this.entries.length > 2 * this.live + MIN_CAPACITY) this.rebuild(capacity);
    return true;
  }

  clear(): void {
    this.index = new Int32Array(2 * MIN_CAPACITY);
    this.mask = MIN_CAPACITY - 1;
    this.entries = [];
    this.live = 0;
  }

  /** Every value, in insertion order (a copy: the map may change while it is read). */
  toArray(): V[] {
    // Sized up front: pushing a million values one by one took twice as long (SH_SAVE's capture
    // is a pause of the server).
    if (this.entries.length === this.live) return this.entries.slice() as V[];
    const all = new Array<V>(this.live);
    let at = 0;
    for (const value of this.entries) if (value !== undefined) all[at++] = value;
    return all;
  }

  /** The slot that holds `token`, or -1. */
  private find(token: bigint): number {
    scratch64[0] = token;
    const low = scratch32[0]!;
    const index = this.index;
    const mask = this.mask;
    for (let slot = this.home(low, scratch32[1]!); ; slot = (slot + 1) & mask) {
      const entry = index[2 * slot + 1]!;
      if (entry === 0) return -1;
      if (index[2 * slot] === low && this.entries[entry - 1]!.token === token) return slot;
    }
  }

  /** Indexes the value at `entries[entry - 1]` under `token` (not indexed yet). */
  private place(token: bigint, entry: number): void {
    scratch64[0] = token;
    const low = scratch32[0]!;
    const index = this.index;
    let slot = this.home(low, scratch32[1]!);
    while (index[2 * slot + 1] !== 0) slot = (slot + 1) & this.mask;
    index[2 * slot] = low;
    index[2 * slot + 1] = entry;
  }

  /** The slot a token's probe starts at. */
  private home(low: number, high: number): number {
    return tokenHash(low, high, this.seed) & this.mask;
  }

  private homeOf(entry: number): number {
    scratch64[0] = this.entries[entry - 1]!.token;
    return this.home(scratch32[0]!, scratch32[1]!);
  }

  /**
   * Frees a slot and moves later slots of its probe run back into the gap (backward-shift
   * deletion), so that lookups never need tombstones.
   */
  private vacate(slot: number): void {
    const index = this.index;
    const mask = this.mask;
    let gap = slot;
    for (let next = (gap + 1) & mask; ; next = (next + 1) & mask) {
      const entry = index[2 * next + 1]!;
      if (entry === 0) break;
      const home = this.homeOf(entry);
      // A slot may move into the gap only if its home is not between the gap and it (cyclically).
      const staysAfterGap = gap <= next ? home > gap && home <= next : home > gap || home <= next;
      if (staysAfterGap) continue;
      index[2 * gap] = index[2 * next]!;
      index[2 * gap + 1] = entry;
      gap = next;
    }
    index[2 * gap] = 0;
    index[2 * gap + 1] = 0;
  }

  /**
   * A new index of `capacity` slots over the values, their holes dropped (order kept). One pass
   * while the server waits, as a `Map`'s growth is: measured after a collection, ~115 ns a value
   * (~350 ms on growing past 3.1 M sessions; a `Map` growing past 2.1 M: ~200 ms), nearly all of
   * it the writes into the new index missing the cache. Placing the values region by region of
   * the index measured no better (430–460 ms at 3.1 M).
   */
  private rebuild(capacity: number): void {
    const values = this.entries.length === this.live ? this.entries : this.toArray();
    this.entries = values;
    this.index = new Int32Array(2 * capacity);
    this.mask = capacity - 1;
    for (let i = 0; i < values.length; i++) this.place(values[i]!.token, i + 1);
  }
}

/**
 * A token's 32-bit hash: each half through murmur3's 32-bit finaliser in turn, the seed first.
 * Multiplying alone is not enough: a product's low bits depend only on its factors' low bits, so
 * tokens whose halves agree in their low 16 bits (chosen ones, loaded) would share at most 65,536
 * hashes, and their probe runs grew into the thousands (an audit's repro: 4 M such sessions,
 * deletes 25× slower).
 */
export function tokenHash(low: number, high: number, seed: number): number {
  return finalise(finalise(low ^ seed) ^ high);
}

/** murmur3's 32-bit finaliser: every input bit moves every output bit. */
function finalise(value: number): number {
  let hash = Math.imul(value ^ (value >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return hash ^ (hash >>> 16);
}
