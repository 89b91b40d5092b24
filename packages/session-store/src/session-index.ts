// The store's index of its sessions, for all/ids/length/clear (sessions cannot be listed by name):
// a KV key `<index prefix><prefix><sid>:<token>` → token per session the store creates, removed
// when it destroys one. KV keys never expire, so the entries of sessions that expired are dropped
// when the index is read — and, so that they do not pile up on the server in a web app that never
// reads it, by a sweep in the background once this store has added as many entries as were live
// at its last read (at least SWEEP_AFTER). Each instance of a web app counts its own additions, so
// with n instances sharing a prefix up to about n times the live entries may be stale at once.
// A sweep, as any read of the index, lists the whole KV map (KV_KEYS): the protocol cannot list
// keys by prefix.
//
// The token is part of the key so that dropping a stale entry can never drop a live one: a sid
// whose session expired and was made anew meanwhile (by this web app or another instance) has a
// new key, which a sweep that read the old one does not touch.
import type { NemesisClient } from '@nemesisdb/client';

/** Index entries checked (and dropped when stale) per request: at most this many… */
const INDEX_BATCH = 500;
/**
 * …and keys of at most this many characters in all (sids are the web app's, of any length), so
 * that each KV_GET and KV_RMV stays well inside what a server reads in a message (`maxPayload`,
 * 1 MiB by default; one KV_RMV of every stale key outgrew it past ~12,800 keys).
 */
const INDEX_BATCH_CHARS = 16 * 1024;

/** The fewest entries added between two background sweeps. */
export const SWEEP_AFTER = 1_000;

export class SessionIndex {
  /** Entries added since the last read of the whole index. */
  private added = 0;
  /** Live entries the last read of the whole index found. */
  private liveAtLastRead = 0;
  private sweeping = false;

  /** `prefix`: the index prefix and the store's prefix, together. */
  constructor(private readonly prefix: string) {}

  add(client: NemesisClient, sid: string, token: string): Promise<void> {
    if (++this.added >= Math.max(SWEEP_AFTER, this.liveAtLastRead)) this.sweep(client);
    return client.kv.set({ [this.key(sid, token)]: token });
  }

  remove(client: NemesisClient, sid: string, token: string): Promise<void> {
    return client.kv.remove([this.key(sid, token)]);
  }

  /** [sid, token] of every indexed session that is still live; stale entries are dropped. */
  async live(client: NemesisClient): Promise<[string, string][]> {
    this.added = 0;
    const keys = (await client.kv.keys()).filter((key) => key.startsWith(this.prefix));
    const live = new Map<string, string>();
    const stale: string[] = [];
    for (const batch of slices(keys)) {
      const values = await client.kv.get(batch);
      const entries = batch.flatMap((key) => (typeof values[key] === 'string' ? [[key, values[key]] as [string, string]] : []));
      const exists = entries.length === 0 ? [] : await client.sessions.exists(entries.map(([, token]) => token));
      entries.forEach(([key, token], j) => (exists[j] ? live.set(this.sidOf(key, token), token) : stale.push(key)));
    }
    for (const batch of slices(stale)) await client.kv.remove(batch);
    this.liveAtLastRead = live.size;
    return [...live];
  }

  /** Reads the whole index in the background, dropping stale entries; one sweep at a time. */
  private sweep(client: NemesisClient): void {
    if (this.sweeping) return;
    this.sweeping = true;
    // A failed sweep (the server unreachable meanwhile) is tried again after as many entries more.
    this.live(client)
      .catch(() => {})
      .finally(() => (this.sweeping = false));
  }

  private key(sid: string, token: string): string {
    return `${this.prefix}${sid}:${token}`;
  }

  /** The sid of an entry: its key without the prefix and `:<token>` (the token is the value). */
  private sidOf(key: string, token: string): string {
    const rest = key.slice(this.prefix.length);
    const suffix = `:${token}`;
    return rest.endsWith(suffix) ? rest.slice(0, rest.length - suffix.length) : rest;
  }
}

/** `keys` in consecutive slices of at most INDEX_BATCH keys and INDEX_BATCH_CHARS characters (one key at least). */
function slices(keys: readonly string[]): string[][] {
  const out: string[][] = [];
  let slice: string[] = [];
  let chars = 0;
  for (const key of keys) {
    if (slice.length > 0 && (slice.length === INDEX_BATCH || chars + key.length > INDEX_BATCH_CHARS)) {
      out.push(slice);
      slice = [];
      chars = 0;
    }
    slice.push(key);
    chars += key.length;
  }
  if (slice.length > 0) out.push(slice);
  return out;
}
