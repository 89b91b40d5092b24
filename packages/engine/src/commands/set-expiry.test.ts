import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../engine.js';
import { temporaryDirectories } from '../files/temporary-directories.test-util.js';
import { Journal } from '../journal/journal.js';
import { isPromise } from '../maybe-promise.js';
import { harness } from '../testing.test-util.js';

// SH_SET_EXPIRY (extension) on the in-memory store, beyond the expiry contract both stores run:
// the extensions switch and the journal (snapshots: memory-sessions.test.ts).

const tempDir = temporaryDirectories('nemesisdb-set-expiry-');

async function body(engine: Engine, text: string): Promise<Record<string, unknown>> {
  const reply = engine.executeRequest(JSON.parse(text.replace(/"tkn":(\d+)/g, '"tkn":"$1"')) as unknown);
  const envelope = (isPromise(reply) ? await reply : reply) as Record<string, Record<string, unknown>>;
  return Object.values(envelope)[0]!;
}

describe('SH_SET_EXPIRY with extensions: false (strict v0.7.4)', () => {
  it('is answered 10 before its body is looked at, and changes nothing', async () => {
    const h = harness({ extensions: false });
    const tkn = await h.session({ duration: 60, deleteSession: true });
    for (const request of [`{"tkn":${tkn},"expiry":{"duration":0}}`, '{}', '{"expiry":5}']) {
      expect(await h.text(`{"SH_SET_EXPIRY":${request}}`)).toBe('{"SH_SET_EXPIRY_RSP":{"m":"","st":10,"tkn":null}}');
    }
    expect(await h.body('SH_INFO', `{"SH_INFO":{"tkn":${tkn}}}`)).toMatchObject({ expires: true, expiry: { duration: 60 } });
  });
});

describe('SH_SET_EXPIRY and the journal', () => {
  it('is replayed after a crash, also by a server restarted with extensions off', async () => {
    for (const extensions of [true, false]) {
      const directory = join(await tempDir(), 'journal');
      const first = new Engine();
      await Journal.open(first, { directory, fsync: 'always' });
      const { tkn } = await body(first, '{"SH_NEW":{"expiry":{"duration":5,"deleteSession":true}}}');
      await body(first, `{"SH_SET":{"tkn":${String(tkn)},"keys":{"a":1}}}`);
      expect(await body(first, `{"SH_SET_EXPIRY":{"tkn":${String(tkn)},"expiry":{"duration":3600,"extendOnGet":true}}}`)).toEqual({
        st: 1,
        tkn,
      });
      await body(first, '{"SH_SET_EXPIRY":{"tkn":12345,"expiry":{"duration":1}}}'); // 100: not journaled
      await first.pendingDurability();
      // No close(): the process "crashes" here.

      const second = new Engine({ extensions });
      const { report } = await Journal.open(second, { directory, fsync: 'always' });
      expect(report.records).toBe(3);
      expect(await body(second, `{"SH_INFO":{"tkn":${String(tkn)}}}`)).toMatchObject({
        expires: true,
        expiry: { deleteSession: false, duration: 3600, extendOnGet: true, extendOnSetAdd: false },
        keyCnt: 1,
      });
      first.close();
      second.close();
    }
  });
});
