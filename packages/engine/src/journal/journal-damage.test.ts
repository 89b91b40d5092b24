// Damaged journals: refused loudly with where the damage is, never destroyed, repairable.
import { appendFile, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../engine.js';
import { checkJournal } from './check-journal.js';
import { Journal, JournalDamagedError } from './journal.js';
import { temporaryDirectories } from '../files/temporary-directories.test-util.js';

const temporaryRoot = temporaryDirectories('nemesisdb-journal-damage-');

/** A crashed server's journal: one log of `count` KV_SETs, k0 … k<count-1>, never closed. */
async function crashedJournal(count: number): Promise<{ directory: string; log: string }> {
  const root = await temporaryRoot();
  const directory = join(root, 'journal');
  const engine = new Engine();
  await Journal.open(engine, { directory, fsync: 'always' });
  for (let i = 0; i < count; i++) engine.execute(`{"KV_SET":{"keys":{"k${i}":{"n":${1000 + i}}}}}`);
  await engine.pendingDurability();
  const [log] = (await readdir(directory)).filter((entry) => entry.startsWith('log-'));
  return { directory, log: join(directory, log!) };
}

/** Byte offset of the line holding `needle`. */
function lineOffset(bytes: Buffer, needle: string): number {
  const at = bytes.indexOf(needle);
  return bytes.lastIndexOf(0x0a, at) + 1;
}

async function recover(directory: string): Promise<Engine> {
  const engine = new Engine();
  await Journal.open(engine, { directory, fsync: 'no' });
  return engine;
}

const count = (engine: Engine) => JSON.parse(engine.execute('{"KV_COUNT":{}}') as string).KV_COUNT_RSP.cnt;

describe('a damaged journal', () => {
  const damages: [string, (bytes: Buffer) => Buffer, string][] = [
    [
      'a flipped byte in the middle',
      (bytes) => {
        const copy = Buffer.from(bytes);
        copy[bytes.indexOf('"k1000"') + 2] = copy[bytes.indexOf('"k1000"') + 2]! ^ 0x04;
        return copy;
      },
      'checksum mismatch',
    ],
    [
      'bytes missing in the middle',
      (bytes) => {
        const at = bytes.indexOf('"k1000"');
        return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 30)]);
      },
      'checksum mismatch',
    ],
    [
      'bit rot that keeps the JSON valid (a changed digit)',
      (bytes) => Buffer.from(bytes.toString('latin1').replace('"n":2000', '"n":2001'), 'latin1'),
      'checksum mismatch',
    ],
  ];

  it.each(damages)('%s: stops the start with the file, byte offset and record, and changes nothing', async (_name, damage, reason) => {
    const { directory, log } = await crashedJournal(2000);
    const original = await readFile(log);
    const damaged = damage(original);
    await writeFile(log, damaged);
    const before = await readdir(directory);

    const error = await Journal.open(new Engine(), { directory, fsync: 'always' }).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(JournalDamagedError);
    const { damage: where, path } = error as JournalDamagedError;
    expect(path).toBe(log);
    expect(where).toMatchObject({ number: 1001, offset: lineOffset(original, '"k1000"'), reason });
    expect((error as Error).message).toMatch(
      /^journal damaged: .*log-\d+ at byte \d+ \(record 1001: checksum mismatch\).*nemesisdb check-journal .* --fix/,
    );
    // Never deleted, never rewritten: the same files, the same bytes.
    expect(await readdir(directory)).toEqual(before);
    expect(await readFile(log)).toEqual(damaged);
  });

  it('check-journal reports every damaged record; --fix keeps a backup and starts with everything before the damage', async () => {
    const { directory, log } = await crashedJournal(2000);
    const original = await readFile(log);
    const damaged = Buffer.from(original);
    damaged[original.indexOf('"k700"') + 2] = damaged[original.indexOf('"k700"') + 2]! ^ 0x01;
    damaged[original.indexOf('"k1500"') + 2] = damaged[original.indexOf('"k1500"') + 2]! ^ 0x01;
    await writeFile(log, damaged);

    const report = await checkJournal(directory);
    expect(report.startable).toBe(false);
    expect(report.logs).toHaveLength(1);
    expect(report.logs[0]!.damage.map((d) => [d.number, d.offset])).toEqual([
      [701, lineOffset(original, '"k700"')],
      [1501, lineOffset(original, '"k1500"')],
    ]);
    expect(await readFile(log)).toEqual(damaged); // a check changes nothing

    const fixed = await checkJournal(directory, { fix: true });
    expect(fixed.fixed).toEqual([
      { path: log, backup: expect.stringContaining('/damaged/'), cutAtByte: lineOffset(original, '"k700"'), recordsDropped: 1300 },
    ]);
    expect(await readFile(fixed.fixed[0]!.backup)).toEqual(damaged);
    expect((await checkJournal(directory)).startable).toBe(true);
    expect(count(await recover(directory))).toBe(700);
  });

  it('a last record cut short by a crash is skipped with the log kept as a copy', async () => {
    const { directory, log } = await crashedJournal(10);
    await appendFile(log, 'deadbeef {"KV_SET":{"keys":{"torn":');
    const engine = new Engine();
    const warnings: object[] = [];
    const logger = { info: () => {}, error: () => {}, warn: (fields: object) => warnings.push(fields) };
    const { report } = await Journal.open(engine, { directory, fsync: 'no', logger });
    expect(report).toMatchObject({ records: 10, skipped: 1 });
    expect(count(engine)).toBe(10);
    expect(warnings).toEqual([expect.objectContaining({ path: log, record: 11, copy: expect.stringContaining('/damaged/log-') })]);
    const [copy] = await readdir(join(directory, 'damaged'));
    expect((await readFile(join(directory, 'damaged', copy!), 'utf8')).endsWith('{"torn":')).toBe(true);
    expect((await checkJournal(directory)).startable).toBe(true);
  });

  it('a changed byte in the last record, complete with its newline, stops the start: an acknowledged change must not vanish', async () => {
    const { directory, log } = await crashedJournal(10);
    const bytes = await readFile(log);
    const at = bytes.lastIndexOf('"k9"');
    bytes[at + 2] = bytes[at + 2]! ^ 0x01;
    await writeFile(log, bytes);
    await expect(Journal.open(new Engine(), { directory, fsync: 'no' })).rejects.toThrow(JournalDamagedError);
    expect(await readFile(log)).toEqual(bytes); // kept as it is
    const check = await checkJournal(directory, { fix: true });
    expect(check.fixed).toEqual([expect.objectContaining({ path: log, recordsDropped: 1 })]);
    expect(count(await recover(directory))).toBe(9);
  });

  it('a tail of zeros (a crash after the file grew) is a torn last record', async () => {
    const { directory, log } = await crashedJournal(10);
    await appendFile(log, Buffer.alloc(4096));
    const { report } = await Journal.open(new Engine(), { directory, fsync: 'no' });
    expect(report).toMatchObject({ records: 10, skipped: 1 });
  });

  it('still replays a log written before checksums (one JSON command per line)', async () => {
    const root = await temporaryRoot();
    const directory = join(root, 'journal');
    await rm(directory, { recursive: true, force: true });
    await import('node:fs/promises').then(({ mkdir }) => mkdir(directory));
    await writeFile(join(directory, 'log-1'), '{"KV_SET":{"keys":{"old":1}}}\n{"KV_SET":{"keys":{"older":2}}}\n');
    expect(count(await recover(directory))).toBe(2);
  });
});
