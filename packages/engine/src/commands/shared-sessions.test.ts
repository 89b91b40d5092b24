import { describe, expect, it } from 'vitest';
import { sharedSessionContract } from '../contract/shared-sessions.js';
import { Engine, type JournalSink } from '../engine.js';
import { decodeSessionFile, encodeSessionRecord } from '../persist/format.js';
import { MemoryStore } from '../store/memory/memory-store.js';
import type { Persistence } from '../persistence.js';
import type { SessionStore } from '../store/store.js';
import { harness } from '../testing.test-util.js';

// Shared sessions (extension) on the in-memory store: the store contract (also run by the Redis
// store), then the switch that turns them off, and what saves, loads and the journal keep.

/** Datasets kept as session data file text, written and read with the save format's own functions. */
function textPersistence(): Persistence {
  const files = new Map<string, string>();
  return {
    enabled: true,
    save(name, dataset) {
      if (dataset.kind !== 'sessions') throw new Error('sessions only');
      files.set(name, `[${[...dataset.sessions].map(encodeSessionRecord).join(',')}]`);
      return { st: 121, durationMs: 0 };
    },
    load(name) {
      const text = files.get(name);
      return text === undefined
        ? { ok: false, reason: 'missing' }
        : { ok: true, dataset: { kind: 'sessions', sessions: decodeSessionFile(text) }, durationMs: 0 };
    },
  };
}

describe('shared sessions on the in-memory store', () => {
  sharedSessionContract(() => harness());
});

describe('extensions: false (strict v0.7.4)', () => {
  it('answers SH_OPEN 10 before looking at its body, like any unknown SH command', async () => {
    const h = harness({ extensions: false });
    for (const body of ['{}', '{"name":"x"}', '{"name":5}']) {
      expect(await h.text(`{"SH_OPEN":${body}}`)).toBe('{"SH_OPEN_RSP":{"m":"","st":10,"tkn":null}}');
    }
    expect(await h.text('{"SH_OPEN":5}')).toBe('{"SH_OPEN_RSP":{"m":"","st":13,"tkn":null}}');
  });

  it('ignores name and shared in SH_NEW (§13 C1, C2): a plain session, no name echoed, no 26/41/42', async () => {
    const h = harness({ extensions: false });
    for (const body of ['{"name":"x","shared":true}', '{"name":"x","shared":true}', '{"shared":true}', '{"name":"","shared":true}']) {
      const reply = await h.body('SH_NEW', `{"SH_NEW":${body}}`);
      expect(Object.keys(reply)).toEqual(['st', 'tkn']);
      expect(reply.st).toBe(1);
      expect((await h.body('SH_INFO', `{"SH_INFO":{"tkn":${String(reply.tkn)}}}`)).shared).toBe(false);
    }
  });

  it('is what a store without createShared/openShared gets, whatever the option says', async () => {
    const memory = new MemoryStore();
    // The in-memory sessions minus the two shared-session methods: a third-party store of v0.7.4's day.
    const plain = new Proxy(memory.sessions, {
      get(target, member) {
        if (member === 'createShared' || member === 'openShared') return undefined;
        const value = Reflect.get(target, member, target) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    }) as SessionStore;
    const engine = new Engine({
      store: { ...memory, sessions: plain, close: () => memory.close(), stats: () => memory.stats() },
      extensions: true,
    });
    expect(engine.execute('{"SH_OPEN":{"name":"x"}}')).toBe('{"SH_OPEN_RSP":{"m":"","st":10,"tkn":null}}');
    expect(engine.execute('{"SH_NEW":{"name":"x","shared":true}}')).toMatch(/^\{"SH_NEW_RSP":\{"st":1,"tkn":\d+\}\}$/);
    memory.close();
  });
});

describe('saves, loads and the journal keep shared sessions and their names', () => {
  it('a session data record carries "name" in "sh" for a shared session, and reads back', () => {
    const text = encodeSessionRecord({
      token: 18446744073709551615n,
      shared: true,
      name: 'caf\u00e9 "x"',
      expiry: undefined,
      keys: { a: 1 },
    });
    expect(text).toBe(
      '{"keys":{"a":1},"sh":{"expiry":{"deleteSession":false,"duration":0,"extendOnGet":false,"extendOnSetAdd":false},"name":"café \\"x\\"","shared":true,"tkn":18446744073709551615}}',
    );
    expect(decodeSessionFile(`[${text}]`)).toEqual([
      { token: 18446744073709551615n, shared: true, name: 'café "x"', expiry: undefined, keys: { a: 1 } },
    ]);
    // A plain session is written exactly as upstream writes it (no name member).
    expect(encodeSessionRecord({ token: 5n, shared: false, expiry: undefined, keys: {} })).not.toContain('"name"');
    // A name on a record that is not shared (upstream v0.6 wrote one for every session) is dropped.
    const v06 =
      '[{"keys":{},"sh":{"expiry":{"deleteSession":false,"duration":0,"extendOnGet":false,"extendOnSetAdd":false},"name":"n","shared":false,"tkn":5}}]';
    expect(decodeSessionFile(v06)).toEqual([{ token: 5n, shared: false, expiry: undefined, keys: {} }]);
  });

  it('SH_SAVE then SH_LOAD brings shared sessions back openable by name; a name in use skips the record', async () => {
    const h = harness({ persistence: textPersistence() });
    const settings = await h.body('SH_NEW', '{"SH_NEW":{"name":"settings","shared":true,"expiry":{"duration":600,"extendOnGet":true}}}');
    await h.send(`{"SH_SET":{"tkn":${String(settings.tkn)},"keys":{"theme":"dark"}}}`);
    const basket = await h.body('SH_NEW', '{"SH_NEW":{"name":"basket","shared":true}}');
    expect(await h.body('SH_SAVE', '{"SH_SAVE":{"name":"shared"}}')).toMatchObject({ st: 121 });

    // End one, and give the other's name to a new session: loading must not take the name from it.
    await h.send(`{"SH_END":{"tkn":${String(settings.tkn)}}}`);
    await h.send(`{"SH_END":{"tkn":${String(basket.tkn)}}}`);
    const taken = await h.body('SH_NEW', '{"SH_NEW":{"name":"basket","shared":true}}');
    expect(await h.body('SH_LOAD', '{"SH_LOAD":{"name":"shared"}}')).toEqual({ keys: 1, name: 'shared', sessions: 1, st: 141 });
    expect(await h.body('SH_OPEN', '{"SH_OPEN":{"name":"settings"}}')).toEqual({ st: 1, tkn: settings.tkn });
    expect(await h.body('SH_OPEN', '{"SH_OPEN":{"name":"basket"}}')).toEqual({ st: 1, tkn: taken.tkn });
    expect(await h.body('SH_INFO', `{"SH_INFO":{"tkn":${String(settings.tkn)}}}`)).toMatchObject({
      expiry: { duration: 600, extendOnGet: true },
      keyCnt: 1,
      shared: true,
    });
    expect(await h.body('SH_EXISTS', `{"SH_EXISTS":{"tkns":[${String(basket.tkn)}]}}`)).toEqual({ exist: [], st: 1 });
  });

  it('journals a shared SH_NEW with its name, shared:true and the token; not a 103, nor SH_OPEN', async () => {
    const records: string[] = [];
    const sink: JournalSink = {
      append: (record) => {
        records.push(record);
        return undefined;
      },
      expired: () => {},
      durability: () => null,
      compact: () => Promise.resolve(),
    };
    const engine = new Engine();
    engine.attachJournal(sink);
    const reply = engine.execute('{"SH_NEW":{"name":"n","shared":true,"expiry":{"duration":60}}}') as string;
    const tkn = /"tkn":(\d+)/.exec(reply)![1]!;
    engine.execute('{"SH_NEW":{"name":"n","shared":true}}');
    engine.execute('{"SH_OPEN":{"name":"n"}}');
    expect(records).toEqual([`{"SH_NEW":{"expiry":{"duration":60},"name":"n","shared":true,"tkn":${tkn}}}`]);
    engine.close();
  });
});
