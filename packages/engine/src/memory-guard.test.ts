import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { Engine, MEMORY_FULL_MESSAGE } from './engine.js';
import { MemoryGuard } from './memory-guard.js';

describe('MemoryGuard', () => {
  it('tells when the ceiling is crossed, each way once', () => {
    let used = 100;
    const changes: boolean[] = [];
    const guard = new MemoryGuard(
      1000,
      (over) => changes.push(over),
      () => used,
    );
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

  it('counts typed arrays outside the heap (the session index is one), not only the heap', () => {
    const outside = new Int32Array(32 * 1024 * 1024); // 128 MiB, none of it in the heap
    // A ceiling 64 MiB above the heap alone: crossed only if the array is counted.
    const guard = new MemoryGuard(getHeapStatistics().used_heap_size + 64 * 1024 * 1024, () => {});
    expect(guard.full).toBe(true);
    guard.dispose();
    expect(outside.length).toBeGreaterThan(0); // kept alive until measured
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

describe('maxDataBytes after deletes', () => {
  it('accepts writes again within a second of a delete on an idle server (it collects the garbage itself)', async () => {
    const { getHeapStatistics } = await import('node:v8');
    const engine = new Engine({ maxDataBytes: getHeapStatistics().used_heap_size + 64 * 1024 * 1024 });
    const big = 'x'.repeat(1024 * 1024);
    let i = 0;
    // Fill until refused (the heap is sampled every MEMORY_SAMPLE_MS).
    const deadline = Date.now() + 20_000;
    while (!(engine.execute(`{"KV_SET":{"keys":{"k${i}":"${big}${i}"}}}`) as string).includes('"st":1000')) {
      i++;
      if (i % 8 === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      if (Date.now() > deadline) throw new Error('never reached maxDataBytes');
    }
    expect(engine.execute('{"KV_CLEAR":{}}')).toMatch(/"st":1/);
    const cleared = Date.now();
    while ((engine.execute('{"KV_SET":{"keys":{"again":1}}}') as string).includes('"st":1000')) {
      expect(Date.now() - cleared, 'still refusing writes after the data was cleared').toBeLessThan(1000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    console.info(`maxDataBytes: writes accepted again ${Date.now() - cleared} ms after KV_CLEAR`);
    engine.close();
  });

  it('does not collect while full with nothing deleted', () => {
    let collections = 0;
    const guard = new MemoryGuard(
      10,
      () => {},
      () => 100,
      () => collections++,
    );
    guard.sample();
    guard.sample();
    expect(collections).toBe(0);
    guard.released();
    guard.sample();
    expect(collections).toBe(1);
    guard.sample();
    expect(collections).toBe(1);
    guard.dispose();
  });
});
