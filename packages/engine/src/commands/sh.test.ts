import { describe, expect, it } from 'vitest';
import { decodedToken } from '../contract/harness.js';
import { shCommandContract } from '../contract/sh-commands.js';
import { Engine } from '../engine.js';
import { MemoryStore } from '../store/memory/memory-store.js';
import { harness } from '../testing.test-util.js';

// The SH commands over the in-memory store: the store contract (also run by other stores), and what
// depends on this store's token source and clock.
describe('SH commands on the in-memory store (§9)', () => {
  shCommandContract(() => harness());

  it('SH_NEW retries a token already in use instead of answering 103 (§14 D4)', () => {
    const sequence = [7n, 7n, 7n, 9n];
    const store = new MemoryStore({ tokens: { next: () => sequence.shift()! } });
    const engine = new Engine({ store });
    expect(engine.execute('{"SH_NEW":{}}')).toBe('{"SH_NEW_RSP":{"st":1,"tkn":7}}');
    expect(engine.execute('{"SH_NEW":{}}')).toBe('{"SH_NEW_RSP":{"st":1,"tkn":9}}');
  });

  it('SH_INFO describes an expiring session with every flag and the remaining seconds', async () => {
    const h = harness();
    const tkn = await h.session({ duration: 10, extendOnGet: true });
    h.advance(1);
    expect(await h.body('SH_INFO', `{"SH_INFO":{"tkn":${tkn}}}`)).toEqual({
      expires: true,
      expiry: { deleteSession: false, duration: 10, extendOnGet: true, extendOnSetAdd: false, remaining: 9 },
      keyCnt: 0,
      shared: false,
      st: 1,
      tkn: decodedToken(tkn),
    });
  });
});
