import { describe, expect, it } from 'vitest';
import { Engine, MEMORY_FULL_MESSAGE } from './engine.js';
import { MemoryGuard } from './memory-guard.js';

describe('MemoryGuard', () => {
  it('tells when the ceiling is crossed, each way once', () => {
    let used = 100;
    const changes: boolean[] = [];
    const guard = new MemoryGuard(1000, (over) => changes.push(over), () => used);
    expect(guard.full).toBe(false);
    used = 2000;
    guard.sample();
    guard.sample();
    expect(guard.full).toBe(true);
    used = 500;
    guard.sample();
    expect(guard.full).toBe(false);
    expect(changes).toEqual([true, false]);
    guard.dispose();
  });
});

describe('maxDataBytes', () => {
  it('refuses commands that add data, and still serves reads and deletes', () => {
    const notices: boolean[] = [];
    const engine = new Engine({ maxDataBytes: 1, onMemoryLimit: (reached) => notices.push(reached) });
    const refused = `{"m":"${MEMORY_FULL_MESSAGE}","st":1000,"tkn":null}`;
    expect(engine.execute('{"KV_SET":{"keys":{"a":1}}}')).toBe(`{"KV_SET_RSP":${refused}}`);
    expect(engine.execute('{"SH_NEW":{}}')).toBe(`{"SH_NEW_RSP":${refused}}`);
    expect(engine.execute('{"KV_ARR_APPEND":{"key":"a","items":[1]}}')).toBe(`{"KV_ARR_APPEND_RSP":${refused}}`);
    expect(engine.execute('{"KV_GET":{"keys":["a"]}}')).toBe('{"KV_GET_RSP":{"keys":{},"st":1}}');
    expect(engine.execute('{"KV_RMV":{"keys":["a"]}}')).toBe('{"KV_RMV_RSP":{"st":1}}');
    expect(engine.execute('{"KV_CLEAR":{}}')).toBe('{"KV_CLEAR_RSP":{"cnt":0,"st":1}}');
    // A bad request is still answered with its own status first.
    expect(engine.execute('{"KV_SET":{}}')).toBe('{"KV_SET_RSP":{"m":"Missing parameter","st":26,"tkn":null}}');
    expect(notices).toEqual([true]);
    engine.close();
  });

  it('changes nothing below the ceiling', () => {
    const engine = new Engine({ maxDataBytes: 64 * 1024 ** 3 });
    expect(engine.execute('{"KV_SET":{"keys":{"a":1}}}')).toBe('{"KV_SET_RSP":{"st":1}}');
    engine.close();
  });
});
