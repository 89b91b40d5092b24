// The journal on a failing disk: nothing acknowledged is lost, nothing refused is applied, and it
// recovers by itself once the disk works again.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { until } from '@nemesisdb/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../engine.js';
import { FaultyFileSystem, type Fault } from '../files/faulty-file-system.test-util.js';
import { FilePersistence } from '../persist/file-persistence.js';
import type { FsyncPolicy } from './journal-file.js';
import { Journal } from './journal.js';
import { scanLog } from './log-scan.js';
import { temporaryDirectories } from '../files/temporary-directories.test-util.js';

const temporaryRoot = temporaryDirectories('nemesisdb-journal-faults-');
const opened: Journal[] = [];
// Registered after the directories' removal, so it runs before it (after-hooks run last-in, first-out).
afterEach(async () => {
  for (const journal of opened.splice(0)) await journal.close().catch(() => {});
});

async function journalDirectory(): Promise<string> {
  return join(await temporaryRoot(), 'journal');
}

async function openJournal(directory: string, fsync: FsyncPolicy, fs?: FaultyFileSystem, holdTimeoutMs?: number) {
  const engine = new Engine();
  const { journal, report } = await Journal.open(engine, { directory, fsync, fs, holdTimeoutMs });
  opened.push(journal);
  return { engine, journal, report };
}

/** A journal in a fresh directory over a file system that the test breaks and heals. */
async function onFaultyDisk(fsync: FsyncPolicy, fs = new FaultyFileSystem(), holdTimeoutMs?: number) {
  const directory = await journalDirectory();
  return { directory, fs, ...(await openJournal(directory, fsync, fs, holdTimeoutMs)) };
}

/** Waits until the journal refuses changes (`failing`) or accepts them again. */
function journalFailing(engine: Engine, failing: boolean, what: string, timeoutMs?: number): Promise<void> {
  return until(() => (engine.journalFailure() !== null) === failing, { what, timeoutMs });
}

/** What a server restarted after a crash sees: a fresh engine recovering the same directory. */
async function afterCrash(directory: string): Promise<Engine> {
  const engine = new Engine();
  await Journal.open(engine, { directory, fsync: 'no' }).then(({ journal }) => opened.push(journal));
  return engine;
}

const keysOf = (engine: Engine) => JSON.parse(engine.execute('{"KV_KEYS":{}}') as string).KV_KEYS_RSP.keys.sort();

async function logDamage(directory: string) {
  const logs = (await readdir(directory)).filter((entry) => entry.startsWith('log-'));
  const scans = await Promise.all(logs.map(async (log) => scanLog(await readFile(join(directory, log)))));
  return scans.flatMap((scan) => scan.damage);
}

const faults: [string, Fault, 'write' | 'datasync'][] = [
  ['ENOSPC on write', { error: 'ENOSPC' }, 'write'],
  ['EIO on write', { error: 'EIO' }, 'write'],
  ['EDQUOT on write', { error: 'EDQUOT' }, 'write'],
  ['a write that writes nothing', { atMost: 0 }, 'write'],
  ['a failed fdatasync', { error: 'EIO' }, 'datasync'],
];

describe('journal on a failing disk (fsync "always")', () => {
  it.each(faults)(
    '%s: holds the reply, refuses changes before applying them, serves reads, recovers by itself',
    async (_name, fault, op) => {
      const { directory, fs, engine, journal } = await onFaultyDisk('always');
      engine.execute('{"KV_SET":{"keys":{"before":1}}}');
      await engine.pendingDurability();

      fs.fail({ op, path: 'log-', fault });
      expect(engine.execute('{"KV_SET":{"keys":{"held":2}}}')).toBe('{"KV_SET_RSP":{"st":1}}');
      const barrier = engine.pendingDurability()!;
      let acknowledged = false;
      void barrier.then(() => (acknowledged = true));
      await journalFailing(engine, true, 'the journal to fail');
      expect(engine.journalFailure()!.cause).toMatch(op === 'datasync' || 'error' in fault ? /^E[A-Z]+: / : /ENOSPC/);

      // A change is refused before it is applied; reads go on and are not held.
      const refused = JSON.parse(engine.execute('{"KV_SET":{"keys":{"refused":3}}}') as string).KV_SET_RSP;
      expect(refused).toMatchObject({ st: 1000, m: expect.stringMatching(/^journal failed \(E[A-Z]+: .*\): changes are refused/) });
      expect(JSON.parse(engine.execute('{"SH_NEW":{}}') as string).SH_NEW_RSP.st).toBe(1000);
      expect(keysOf(engine)).toEqual(['before', 'held']);
      expect(engine.pendingDurability()).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 300)); // a few retries, all failing
      expect(acknowledged).toBe(false);
      // What the file holds is cut back to the last durable record: no half group on disk.
      expect(await logDamage(directory)).toEqual([]);

      fs.heal();
      await barrier;
      expect(engine.journalFailure()).toBeNull();
      expect(engine.execute('{"KV_SET":{"keys":{"after":4}}}')).toBe('{"KV_SET_RSP":{"st":1}}');
      await engine.pendingDurability();
      expect(keysOf(await afterCrash(directory))).toEqual(['after', 'before', 'held']);
      void journal;
    },
  );

  it('completes a group that the disk writes in several short pieces', async () => {
    const { directory, engine } = await onFaultyDisk(
      'always',
      new FaultyFileSystem().fail({ op: 'write', path: 'log-', after: 1, times: 3, fault: { atMost: 7 } }),
    );
    for (let i = 0; i < 50; i++) engine.execute(`{"KV_SET":{"keys":{"k${i}":"${'x'.repeat(i)}"}}}`);
    await engine.pendingDurability();
    expect(engine.journalFailure()).toBeNull();
    expect(keysOf(await afterCrash(directory))).toHaveLength(50);
  });

  it('cuts off the part of a group a short write left before the disk filled up', async () => {
    const { directory, fs, engine } = await onFaultyDisk('always');
    engine.execute('{"KV_SET":{"keys":{"a":1}}}');
    await engine.pendingDurability();
    fs.fail({ op: 'write', path: 'log-', times: 1, fault: { atMost: 20 } }).fail({ op: 'write', path: 'log-', fault: { error: 'ENOSPC' } });
    for (let i = 0; i < 10; i++) engine.execute(`{"KV_SET":{"keys":{"b${i}":"${'y'.repeat(40)}"}}}`);
    await journalFailing(engine, true, 'the journal to fail');
    await new Promise((resolve) => setTimeout(resolve, 150));
    // Crash now: only what was acknowledged is there, and nothing is damaged.
    expect(await logDamage(directory)).toEqual([]);
    expect(keysOf(await afterCrash(directory))).toEqual(['a']);
  });

  it('gives up on a held reply after holdTimeoutMs, never acknowledging it, and still writes it later', async () => {
    const { directory, fs, engine } = await onFaultyDisk('always', undefined, 200);
    fs.fail({ op: 'write', path: 'log-', fault: { error: 'ENOSPC' } });
    engine.execute('{"KV_SET":{"keys":{"late":1}}}');
    await expect(engine.pendingDurability()).rejects.toThrow(
      /journal failed \(ENOSPC: no space left on device\) and could not be written for 0 s/,
    );
    fs.heal();
    await journalFailing(engine, false, 'the journal to recover');
    expect(keysOf(await afterCrash(directory))).toEqual(['late']);
  });

  it('journals expiries that happen while it is failing, once it recovers', async () => {
    const { directory, fs, engine } = await onFaultyDisk('always');
    engine.execute('{"KV_SET":{"keys":{"a":1}}}');
    await engine.pendingDurability();
    fs.fail({ op: 'datasync', path: 'log-', fault: { error: 'EIO' } });
    engine.execute('{"KV_SET":{"keys":{"b":2}}}');
    await journalFailing(engine, true, 'the journal to fail');
    fs.heal();
    await journalFailing(engine, false, 'the journal to recover');
    expect(keysOf(await afterCrash(directory))).toEqual(['a', 'b']);
  });
});

describe('journal on a failing disk (fsync "everysec" and "no")', () => {
  it('everysec: a failed sync refuses changes until the unsynced tail is written and synced again', async () => {
    const { directory, fs, engine } = await onFaultyDisk('everysec');
    fs.fail({ op: 'datasync', path: 'log-', fault: { error: 'EIO' } });
    expect(engine.execute('{"KV_SET":{"keys":{"a":1}}}')).toBe('{"KV_SET_RSP":{"st":1}}');
    await journalFailing(engine, true, 'the sync to fail', 3000);
    expect(JSON.parse(engine.execute('{"KV_SET":{"keys":{"b":2}}}') as string).KV_SET_RSP.st).toBe(1000);
    fs.heal();
    await journalFailing(engine, false, 'the journal to recover');
    expect(keysOf(await afterCrash(directory))).toEqual(['a']);
  });

  it('no: a failed write refuses changes until it is written', async () => {
    const { directory, fs, engine } = await onFaultyDisk('no');
    fs.fail({ op: 'write', path: 'log-', times: 4, fault: { error: 'ENOSPC' } });
    engine.execute('{"KV_SET":{"keys":{"a":1}}}');
    await journalFailing(engine, true, 'the write to fail');
    expect(JSON.parse(engine.execute('{"KV_SET":{"keys":{"b":2}}}') as string).KV_SET_RSP.st).toBe(1000);
    await journalFailing(engine, false, 'the journal to recover');
    expect(keysOf(await afterCrash(directory))).toEqual(['a']);
  });
});

describe('journal checkpoint on a failing disk', () => {
  it('loses nothing whichever step of a checkpoint fails', async () => {
    // First count the file operations of one checkpoint, then fail each of them in turn.
    const probeDirectory = await journalDirectory();
    const probe = new FaultyFileSystem();
    const { engine: probeEngine, journal: probeJournal } = await openJournal(probeDirectory, 'always', probe);
    probeEngine.execute('{"KV_SET":{"keys":{"a":1}}}');
    await probeEngine.pendingDurability();
    const before = probe.calls.length;
    await probeJournal.compact();
    const steps = probe.calls.slice(before);
    expect(steps.length).toBeGreaterThan(10);

    for (let step = 0; step < steps.length; step++) {
      const { directory, fs, engine, journal } = await onFaultyDisk('always');
      const tkn = /"tkn":(\d+)/.exec(engine.execute('{"SH_NEW":{}}') as string)![1];
      engine.execute(`{"SH_SET":{"tkn":${tkn},"keys":{"s":1}}}`);
      engine.execute('{"KV_SET":{"keys":{"a":1}}}');
      await engine.pendingDurability();
      const { op, path } = steps[step]!;
      const start = fs.calls.length;
      fs.fail({
        op,
        path: path.slice(path.lastIndexOf('/')),
        after: steps.slice(0, step).filter((s) => s.op === op && s.path === path).length,
        times: 1,
        fault: { error: 'EIO' },
      });
      await journal.compact();
      fs.heal();
      engine.execute('{"KV_SET":{"keys":{"b":2}}}');
      await engine.pendingDurability();
      expect(fs.calls.length, `step ${step} (${op} ${path})`).toBeGreaterThan(start);
      const recovered = await afterCrash(directory);
      expect(keysOf(recovered), `after a failed ${op} at step ${step}`).toEqual(['a', 'b']);
      expect(recovered.execute(`{"SH_GET":{"tkn":${tkn},"keys":["s"]}}`)).toBe('{"SH_GET_RSP":{"keys":{"s":1},"st":1}}');
    }
  });

  it('takes no checkpoint while the journal is failing', async () => {
    const root = await temporaryRoot();
    const fs = new FaultyFileSystem();
    const engine = new Engine({ persistence: new FilePersistence({ path: root, enabled: true }) });
    const { journal } = await Journal.open(engine, { directory: join(root, 'journal'), fsync: 'always', fs });
    opened.push(journal);
    fs.fail({ op: 'write', path: 'log-', fault: { error: 'ENOSPC' } });
    engine.execute('{"KV_SET":{"keys":{"a":1}}}');
    await journalFailing(engine, true, 'the journal to fail');
    const entries = await readdir(join(root, 'journal'));
    await journal.compact();
    expect(await readdir(join(root, 'journal'))).toEqual(entries);
    fs.heal();
    await journalFailing(engine, false, 'the journal to recover');
  });
});

describe('journal replay', () => {
  it('is not traffic: replayed records do not count as commands', async () => {
    const directory = await journalDirectory();
    const { engine } = await openJournal(directory, 'always');
    for (let i = 0; i < 5; i++) engine.execute(`{"KV_SET":{"keys":{"k${i}":${i}}}}`);
    await engine.pendingDurability();
    const recovered = await afterCrash(directory);
    expect(keysOf(recovered)).toHaveLength(5); // (this KV_KEYS is the one command counted)
    expect(recovered.commandCounts()).toEqual([{ command: 'KV_KEYS', st: 1, count: 1 }]);
  });
});
