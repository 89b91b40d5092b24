import { describe, expect, it } from 'vitest';
import { expiryContract } from '../../contract/expiry.js';
import { harness, type Harness } from '../../testing.test-util.js';

// Exact expiry (docs/reference/protocol.md §7 and its improvement rules) on the in-memory store: the expiry
// contract (also run by other stores), then this store's timers, on a manual clock and scheduler.

const SECOND = 1000;

async function visible(h: Harness, tkn: string): Promise<boolean> {
  const reply = await h.body('SH_EXISTS', `{"SH_EXISTS":{"tkns":[${tkn}]}}`);
  return (reply.exist as unknown[]).length === 1;
}

describe('exact expiry on the in-memory store', () => {
  expiryContract(() => harness());
});

describe('reclaiming by the timer', () => {
  it('deleteSession:true is reclaimed by the timer without being touched', async () => {
    const h = harness();
    await h.session({ duration: 2, deleteSession: true });
    await h.session();
    expect(h.engine.store.sessions).toHaveProperty('size', 2);
    h.advance(2 * SECOND);
    expect(h.engine.store.sessions).toHaveProperty('size', 2);
    h.advance(100); // within one slot of the deadline
    expect(h.engine.store.sessions).toHaveProperty('size', 1);
    expect(h.scheduler.pending).toBe(0); // nothing left to wait for
  });

  it('deleteSession:false clears keys on the timer too, and keeps re-arming', async () => {
    const h = harness();
    const tkn = await h.session({ duration: 1 });
    await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`);
    h.advance(SECOND + 100);
    expect(await h.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toEqual({ st: 1, totalKeys: 0, totalSessions: 1 });
    await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`);
    h.advance(SECOND);
    expect(await h.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toEqual({ st: 1, totalKeys: 0, totalSessions: 1 });
  });
});

describe('many sessions expiring together', () => {
  it('reclaims 100k sessions due in the same millisecond, in slices, and exactly', async () => {
    const h = harness();
    for (let i = 0; i < 100_000; i++) h.engine.execute('{"SH_NEW":{"expiry":{"duration":5,"deleteSession":true}}}');
    const keeper = await h.session();
    expect(h.engine.store.sessions).toHaveProperty('size', 100_001);
    h.clock.advance(5 * SECOND + 1);
    // Before any reclaim ran, none of them is visible any more.
    expect(await h.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toEqual({ st: 1, totalKeys: 0, totalSessions: 1 });
    expect(await visible(h, keeper)).toBe(true);
  });

  it('the timer reclaims them all without a command', async () => {
    const h = harness();
    for (let i = 0; i < 100_000; i++) h.engine.execute('{"SH_NEW":{"expiry":{"duration":5,"deleteSession":true}}}');
    h.advance(5 * SECOND + 50);
    expect(h.engine.store.sessions).toHaveProperty('size', 0);
    expect(h.scheduler.pending).toBe(0);
  });
});
