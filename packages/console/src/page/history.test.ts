// The kept histories, over a localStorage like a browser's (a quota, and what it holds survives a
// new page, here a new instance).
import { beforeEach, describe, expect, it } from 'vitest';
import { CommandHistory, MAX_ENTRIES, MAX_STORED_CHARS, MAX_STORED_REPLY, ReplyLog } from './history.js';

class QuotaStorage {
  readonly items = new Map<string, string>();
  constructor(private readonly quota = 5_000_000) {}
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    const used = [...this.items].reduce((sum, [k, v]) => sum + (k === key ? 0 : v.length), 0);
    if (used + value.length > this.quota) throw new DOMException('quota exceeded', 'QuotaExceededError');
    this.items.set(key, value);
  }
}

let storage: QuotaStorage;
beforeEach(() => {
  storage = new QuotaStorage();
  (globalThis as { localStorage?: unknown }).localStorage = storage;
});

describe('CommandHistory', () => {
  it('walks back and forth like a shell, gives the draft back, and survives a new page', () => {
    const history = new CommandHistory();
    history.add('a');
    history.add('b');
    history.add('b'); // a repeat is kept once
    expect(history.previous('draft')).toBe('b');
    expect(history.previous('b')).toBe('a');
    expect(history.previous('a')).toBeUndefined();
    expect(history.next()).toBe('b');
    expect(history.next()).toBe('draft');
    expect(history.next()).toBeUndefined();
    expect(new CommandHistory().all).toEqual(['a', 'b']);
    history.clear();
    expect(new CommandHistory().all).toEqual([]);
  });
});

describe('ReplyLog', () => {
  it(`keeps the last ${MAX_ENTRIES} entries, counts what it dropped, and survives a new page`, () => {
    const log = new ReplyLog();
    for (let i = 0; i < MAX_ENTRIES + 3; i++) {
      const { entry, dropped } = log.add(`{"n":${i}}`, i);
      log.settle(entry, { reply: `{"r":${i}}`, ms: 0.3 });
      expect(dropped).toHaveLength(i < MAX_ENTRIES ? 0 : 1);
    }
    expect(log.dropped).toBe(3);
    const again = new ReplyLog();
    expect(again.all).toHaveLength(MAX_ENTRIES);
    expect(again.all[0]!.request).toBe('{"n":3}');
    expect(again.all.at(-1)).toMatchObject({ request: `{"n":${MAX_ENTRIES + 2}}`, reply: `{"r":${MAX_ENTRIES + 2}}`, ms: 0.3 });
    // New ids after the reload never collide with kept ones.
    expect(again.add('x', 0).entry.id).toBeGreaterThan(Math.max(...again.all.slice(0, -1).map((item) => item.id)));
  });

  it('never writes more than the storage takes: large replies are left out, the newest entries win', () => {
    const log = new ReplyLog();
    const big = 'x'.repeat(MAX_STORED_REPLY + 1);
    const { entry } = log.add('{"KV_GET":{"keys":["big"]}}', 0);
    log.settle(entry, { reply: big });
    const reloaded = new ReplyLog().all[0]!;
    expect(reloaded.reply).toBeUndefined();
    expect(reloaded.failure).toContain('not kept across the reload');
    // 200 replies just under the per-reply limit: 4 M characters, over the quota if all were written.
    for (let i = 0; i < MAX_ENTRIES; i++) log.settle(log.add(`{"n":${i}}`, i).entry, { reply: 'y'.repeat(MAX_STORED_REPLY - 10) });
    const kept = new ReplyLog().all;
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.length).toBeLessThan(MAX_ENTRIES);
    expect(kept.at(-1)!.request).toBe(`{"n":${MAX_ENTRIES - 1}}`);
    expect(storage.getItem('nemesisdb-console.log')!.length).toBeLessThanOrEqual(MAX_STORED_CHARS + 200 * 100);
  });
});
