// The store's index of its sessions, for all/ids/length/clear (sessions cannot be listed by name):
// KV keys `<index prefix><prefix><sid>` → token, written when the store creates a session, removed
// when it destroys one; entries of sessions that expired are dropped when the index is read.
import type { NemesisClient } from '@nemesisdb/client';

/** Index entries checked (and dropped when stale) per SH_EXISTS. */
const INDEX_BATCH = 500;

export class SessionIndex {
  /** `prefix`: the index prefix and the store's prefix, together. */
  constructor(private readonly prefix: string) {}

  add(client: NemesisClient, sid: string, token: string): Promise<void> {
    return client.kv.set({ [this.prefix + sid]: token });
  }

  remove(client: NemesisClient, sid: string): Promise<void> {
    return client.kv.remove([this.prefix + sid]);
  }

  /** [sid, token] of every indexed session that is still live; stale entries are dropped. */
  async live(client: NemesisClient): Promise<[string, string][]> {
    const keys = (await client.kv.keys()).filter((key) => key.startsWith(this.prefix));
    const live: [string, string][] = [];
    const stale: string[] = [];
    for (let i = 0; i < keys.length; i += INDEX_BATCH) {
      const batch = keys.slice(i, i + INDEX_BATCH);
      const values = await client.kv.get(batch);
      const entries = batch.flatMap((key) => (typeof values[key] === 'string' ? [[key, values[key]] as [string, string]] : []));
      const exists = entries.length === 0 ? [] : await client.sessions.exists(entries.map(([, token]) => token));
      entries.forEach(([key, token], j) => (exists[j] ? live.push([key.slice(this.prefix.length), token]) : stale.push(key)));
    }
    if (stale.length > 0) await client.kv.remove(stale);
    return live;
  }
}
