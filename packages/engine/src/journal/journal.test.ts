import { readFile, readdir, writeFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decode } from '@nemesisdb/protocol';
import { describe, expect, it } from 'vitest';
import { Engine } from '../engine.js';
import { isPromise } from '../maybe-promise.js';
import { FilePersistence } from '../persist/file-persistence.js';
import { harness } from '../testing.test-util.js';
import { Journal } from './journal.js';
import { scanLog } from './log-scan.js';
import type { FsyncPolicy } from './journal-file.js';
import { temporaryDirectories } from '../files/temporary-directories.test-util.js';

const tempDir = temporaryDirectories('nemesisdb-journal-');

/** Everything appended so far is on disk (the journal's internal drain, as a crash test would wait for acknowledgements). */
async function settled(journal: Journal): Promise<void> {
  await (journal as unknown as { file: { drain(): Promise<void> } }).file.drain();
}

async function reply(engine: Engine, text: string): Promise<Record<string, Record<string, unknown>>> {
  const answer = engine.execute(text);
  return decode(isPromise(answer) ? await answer : answer) as Record<string, Record<string, unknown>>;
}

describe('Journal', () => {
  it.each<FsyncPolicy>(['always', 'everysec', 'no'])('replays every change after a crash (fsync %s)', async (fsync) => {
    const root = await tempDir();
    const directory = join(root, 'journal');
    const first = harness({ persistence: new FilePersistence({ path: root, enabled: true }) });
    const { journal } = await Journal.open(first.engine, { directory, fsync });
    const tkn = await first.session({ duration: 60, extendOnGet: true });
    const gone = await first.session();
    await first.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1,"b":{"c":[1]},"big":18446744073709551615,"d":24.0}}}`);
    await first.send(`{"SH_ADD":{"tkn":${tkn},"keys":{"a":99,"e":"added"}}}`);
    await first.send(`{"SH_RMV":{"tkn":${tkn},"keys":["b"]}}`);
    await first.send(`{"SH_END":{"tkn":${gone}}}`);
    await first.send('{"KV_SET":{"keys":{"list":[1],"doc":{"x":1},"tmp":0}}}');
    await first.send('{"KV_ARR_APPEND":{"key":"list","items":[2,3]}}');
    await first.send('{"KV_UPDATE":{"key":"doc","path":"$.x","value":{"y":2}}}');
    await first.send('{"KV_RMV":{"keys":["tmp"]}}');
    await first.send(`{"SH_SET":{"tkn":12345,"keys":{"ignored":1}}}`); // fails (no session): not journaled
    await settled(journal);
    // No close(): the process "crashes" here.

    const second = harness({ persistence: new FilePersistence({ path: root, enabled: true }) });
    const { report } = await Journal.open(second.engine, { directory, fsync });
    expect(report).toMatchObject({ checkpoint: null, skipped: 0, records: 10 });
    expect(second.engine.execute(`{"SH_GET":{"tkn":${tkn},"keys":["a","b","big","d","e"]}}`)).toBe(
      '{"SH_GET_RSP":{"keys":{"a":1,"big":18446744073709551615,"d":24.0,"e":"added"},"st":1}}',
    );
    expect(await second.body('SH_INFO', `{"SH_INFO":{"tkn":${tkn}}}`)).toMatchObject({
      expires: true,
      expiry: { duration: 60, extendOnGet: true },
    });
    expect(await second.body('SH_EXISTS', `{"SH_EXISTS":{"tkns":[${gone},12345]}}`)).toEqual({ exist: [], st: 1 });
    expect(await second.body('KV_GET', '{"KV_GET":{"keys":["list","doc","tmp"]}}')).toEqual({
      keys: { list: [1, 2, 3], doc: { x: { y: 2 } } },
      st: 1,
    });
  });

  it('does not bring back sessions that expired before the crash', async () => {
    const directory = join(await tempDir(), 'journal');
    const first = harness();
    const { journal } = await Journal.open(first.engine, { directory, fsync: 'no' });
    const deleted = await first.session({ duration: 1, deleteSession: true });
    const cleared = await first.session({ duration: 1 });
    await first.send(`{"SH_SET":{"tkn":${cleared},"keys":{"a":1}}}`);
    first.advance(1100); // the timer applies both expiries
    await settled(journal);

    const second = harness();
    await Journal.open(second.engine, { directory, fsync: 'no' });
    expect(await second.body('SH_EXISTS', `{"SH_EXISTS":{"tkns":[${deleted},${cleared}]}}`)).toEqual({ exist: [BigInt(cleared)], st: 1 });
    expect(await second.body('SH_COUNT', `{"SH_COUNT":{"tkn":${cleared}}}`)).toEqual({ cnt: 0, st: 1 });
  });

  it('skips a last record cut short by a crash', async () => {
    const directory = join(await tempDir(), 'journal');
    const first = new Engine();
    const { journal } = await Journal.open(first, { directory, fsync: 'always' });
    await reply(first, '{"KV_SET":{"keys":{"a":1}}}');
    await settled(journal);
    const [log] = (await readdir(directory)).filter((entry) => entry.startsWith('log-'));
    await appendFile(join(directory, log!), '{"KV_SET":{"keys":{"b":'); // torn

    const second = new Engine();
    const { report } = await Journal.open(second, { directory, fsync: 'always' });
    expect(report).toMatchObject({ records: 1, skipped: 1 });
    expect(await reply(second, '{"KV_KEYS":{}}')).toEqual({ KV_KEYS_RSP: { keys: ['a'], st: 1 } });
  });

  it('with fsync "always", holds durability until the group is on disk', async () => {
    const directory = join(await tempDir(), 'journal');
    const engine = new Engine();
    const { journal } = await Journal.open(engine, { directory, fsync: 'always' });
    expect(engine.pendingDurability()).toBeNull();
    for (let i = 0; i < 100; i++) engine.execute(`{"KV_SET":{"keys":{"k${i}":${i}}}}`);
    const barrier = engine.pendingDurability();
    expect(barrier).not.toBeNull();
    engine.execute('{"KV_GET":{"keys":["k1"]}}'); // reads journal nothing
    await barrier;
    const [log] = (await readdir(directory)).filter((entry) => entry.startsWith('log-'));
    expect(scanLog(await readFile(join(directory, log!))).records).toHaveLength(100);
    await journal.close();
  });

  it('takes a checkpoint after a save, removes what it replaces, and recovers from it', async () => {
    const root = await tempDir();
    const directory = join(root, 'journal');
    const persistence = new FilePersistence({ path: root, enabled: true });
    const first = new Engine({ persistence });
    const { journal } = await Journal.open(first, { directory, fsync: 'everysec' });
    await reply(first, '{"KV_SET":{"keys":{"before":1}}}');
    const tkn = /"tkn":(\d+)/.exec(first.execute('{"SH_NEW":{}}') as string)![1];
    await reply(first, `{"SH_SET":{"tkn":${tkn},"keys":{"s":1}}}`);
    expect(await reply(first, '{"KV_SAVE":{"name":"user-dataset"}}')).toMatchObject({ KV_SAVE_RSP: { st: 121 } });
    await journal.compact(); // the one the save started (or a new one): both leave one checkpoint
    await reply(first, '{"KV_SET":{"keys":{"after":2}}}');
    await settled(journal);
    const entries = await readdir(directory);
    expect(entries.filter((entry) => entry.startsWith('checkpoint-'))).toHaveLength(1);
    expect(entries.filter((entry) => entry.startsWith('log-'))).toHaveLength(1);

    const second = new Engine({ persistence });
    const { report } = await Journal.open(second, { directory, fsync: 'everysec' });
    expect(report.checkpoint).not.toBeNull();
    expect(report.records).toBe(1);
    expect(await reply(second, '{"KV_GET":{"keys":["before","after"]}}')).toEqual({ KV_GET_RSP: { keys: { before: 1, after: 2 }, st: 1 } });
    expect(await reply(second, `{"SH_GET":{"tkn":${tkn},"keys":["s"]}}`)).toEqual({ SH_GET_RSP: { keys: { s: 1 }, st: 1 } });
  });

  it('compacts by itself once the log outgrows compactBytes, and close() leaves nothing to replay', async () => {
    const directory = join(await tempDir(), 'journal');
    const first = new Engine();
    const { journal } = await Journal.open(first, { directory, fsync: 'no', compactBytes: 10_000 });
    for (let i = 0; i < 500; i++) first.execute(`{"KV_SET":{"keys":{"k${i}":"${'v'.repeat(50)}"}}}`);
    await journal.compact();
    await journal.close();
    const second = new Engine();
    const { report } = await Journal.open(second, { directory, fsync: 'no' });
    expect(report.records).toBe(0);
    expect(await reply(second, '{"KV_COUNT":{}}')).toEqual({ KV_COUNT_RSP: { cnt: 500, st: 1 } });
  });

  it('a load is journaled and checkpointed', async () => {
    const root = await tempDir();
    const directory = join(root, 'journal');
    const persistence = new FilePersistence({ path: root, enabled: true });
    const source = new Engine({ persistence });
    await reply(source, '{"KV_SET":{"keys":{"loaded":true}}}');
    await reply(source, '{"KV_SAVE":{"name":"ds"}}');
    const first = new Engine({ persistence });
    const { journal } = await Journal.open(first, { directory, fsync: 'no' });
    await reply(first, '{"KV_LOAD":{"name":"ds"}}');
    await journal.compact();
    await settled(journal);
    await writeFile(join(root, 'unrelated'), 'x');
    const second = new Engine({ persistence });
    await Journal.open(second, { directory, fsync: 'no' });
    expect(await reply(second, '{"KV_GET":{"keys":["loaded"]}}')).toEqual({ KV_GET_RSP: { keys: { loaded: true }, st: 1 } });
  });
});

describe('Journal and shared sessions', () => {
  it('replays a shared session with its name, so SH_OPEN finds it after a crash', async () => {
    const directory = join(await tempDir(), 'journal');
    const first = new Engine();
    await Journal.open(first, { directory, fsync: 'always' });
    const created = await reply(first, '{"SH_NEW":{"name":"cart:42","shared":true,"expiry":{"duration":600,"deleteSession":true}}}');
    const tkn = created.SH_NEW_RSP!.tkn;
    await first.pendingDurability();

    const second = new Engine();
    await Journal.open(second, { directory, fsync: 'always' });
    expect(await reply(second, '{"SH_OPEN":{"name":"cart:42"}}')).toEqual({ SH_OPEN_RSP: { st: 1, tkn } });
    expect((await reply(second, `{"SH_INFO":{"tkn":${tkn}}}`)).SH_INFO_RSP).toMatchObject({
      shared: true,
      expiry: { duration: 600, deleteSession: true },
    });
  });
});

describe('Journal and the extensions setting', () => {
  it('a session created with shared:true while extensions were off comes back unshared', async () => {
    const directory = join(await tempDir(), 'journal');
    const first = new Engine({ extensions: false });
    await Journal.open(first, { directory, fsync: 'always' });
    const created = await reply(first, '{"SH_NEW":{"name":"n","shared":true}}');
    await first.pendingDurability();
    const second = new Engine();
    await Journal.open(second, { directory, fsync: 'always' });
    expect(await reply(second, '{"SH_OPEN":{"name":"n"}}')).toEqual({ SH_OPEN_RSP: { st: 102, tkn: null } });
    expect((await reply(second, `{"SH_INFO":{"tkn":${created.SH_NEW_RSP!.tkn}}}`)).SH_INFO_RSP).toMatchObject({ shared: false });
  });
});
