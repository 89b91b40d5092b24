// What the console keeps in the browser across reloads (localStorage): the commands sent, for ↑/↓
// in the compose box, and the log of requests and replies. Bounded, so that a long day of work
// never fills the storage; a storage that refuses (private mode, quota) leaves the page working
// with what it has in memory.

/** One request and what came back, as the log keeps it. */
export interface LoggedEntry {
  id: number;
  /** When it was sent (epoch ms). */
  at: number;
  request: string;
  reply?: string;
  /** Socket round trip, ms. */
  ms?: number;
  failure?: string;
}

/** Commands kept for ↑/↓. */
export const MAX_COMMANDS = 200;
/** Entries kept in the log (and shown). */
export const MAX_ENTRIES = 200;
/** Replies longer than this are not stored (they are shown whole until the reload). */
export const MAX_STORED_REPLY = 20_000;
/**
 * Characters of the log kept across reloads, at most: browsers give an origin about 5 MB of
 * localStorage (UTF-16), and a write over the quota would keep nothing. The newest entries win.
 */
export const MAX_STORED_CHARS = 1_000_000;

const COMMANDS_KEY = 'nemesisdb-console.commands';
const ENTRIES_KEY = 'nemesisdb-console.log';

function read<T>(key: string): T[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(key) ?? '[]');
    return Array.isArray(value) ? (value as T[]) : [];
  } catch {
    return [];
  }
}

function write(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // storage unavailable or full: kept in memory for this page
  }
}

/**
 * The commands sent, oldest first, and a cursor for ↑/↓. Walking starts after the newest; what
 * was typed before walking is the "draft", given back when walking past the newest again.
 */
export class CommandHistory {
  private readonly items: string[] = read<string>(COMMANDS_KEY).filter((item) => typeof item === 'string');
  private cursor = this.items.length;
  private draft = '';

  get all(): readonly string[] {
    return this.items;
  }

  /** Records a command sent (an immediate repeat is kept once) and resets the cursor. */
  add(text: string): void {
    if (this.items[this.items.length - 1] !== text) this.items.push(text);
    if (this.items.length > MAX_COMMANDS) this.items.splice(0, this.items.length - MAX_COMMANDS);
    this.cursor = this.items.length;
    this.draft = '';
    write(COMMANDS_KEY, this.items);
  }

  /** The previous command (↑), or `undefined` at the oldest. `current` is what the box holds now. */
  previous(current: string): string | undefined {
    if (this.cursor === 0) return undefined;
    if (this.cursor === this.items.length) this.draft = current;
    return this.items[--this.cursor];
  }

  /** The next command (↓), the draft after the newest, or `undefined` when not walking. */
  next(): string | undefined {
    if (this.cursor >= this.items.length) return undefined;
    this.cursor++;
    return this.cursor === this.items.length ? this.draft : this.items[this.cursor];
  }

  clear(): void {
    this.items.length = 0;
    this.cursor = 0;
    write(COMMANDS_KEY, this.items);
  }
}

/** The log of requests and replies, oldest first, bounded to {@link MAX_ENTRIES}. */
export class ReplyLog {
  private readonly items: LoggedEntry[] = read<LoggedEntry>(ENTRIES_KEY).filter(
    (item) => typeof item === 'object' && item !== null && typeof item.request === 'string' && typeof item.id === 'number',
  );
  private nextId = this.items.reduce((max, item) => Math.max(max, item.id), 0) + 1;
  /** Entries dropped because the log was full, since the page loaded. */
  dropped = 0;

  get all(): readonly LoggedEntry[] {
    return this.items;
  }

  /** Adds an entry; returns it and the ids of entries dropped to make room. */
  add(request: string, at: number): { entry: LoggedEntry; dropped: number[] } {
    const entry: LoggedEntry = { id: this.nextId++, at, request };
    this.items.push(entry);
    const removed = this.items.length > MAX_ENTRIES ? this.items.splice(0, this.items.length - MAX_ENTRIES) : [];
    this.dropped += removed.length;
    this.save();
    return { entry, dropped: removed.map((item) => item.id) };
  }

  /** Stores what an entry got back. */
  settle(entry: LoggedEntry, outcome: { reply?: string; ms?: number; failure?: string }): void {
    Object.assign(entry, outcome);
    this.save();
  }

  clear(): void {
    this.items.length = 0;
    this.dropped = 0;
    this.save();
  }

  private save(): void {
    const kept: LoggedEntry[] = [];
    let chars = 0;
    for (let i = this.items.length - 1; i >= 0; i--) {
      const item = this.items[i]!;
      const stored =
        item.reply !== undefined && item.reply.length > MAX_STORED_REPLY
          ? { ...item, reply: undefined, failure: `reply of ${item.reply.length} characters, not kept across the reload` }
          : item;
      chars += stored.request.length + (stored.reply?.length ?? 0) + 100;
      if (chars > MAX_STORED_CHARS) break;
      kept.push(stored);
    }
    write(ENTRIES_KEY, kept.reverse());
  }
}
