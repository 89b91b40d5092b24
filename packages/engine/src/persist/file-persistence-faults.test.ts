// Saves on a failing disk and damaged saves: a failed save leaves nothing behind (no open file, no
// staging directory), a damaged save is refused, never loaded as something else.
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FaultyFileSystem } from '../files/faulty-file-system.test-util.js';
import type { KvEntry } from '../store/store.js';
import { checkDataset } from './check-dataset.js';
import { FilePersistence } from './file-persistence.js';
import { temporaryDirectories } from '../files/temporary-directories.test-util.js';

const root = temporaryDirectories('nemesisdb-save-faults-');

const keys = (count: number, size = 10): KvEntry[] =>
  Array.from({ length: count }, (_, i) => [`key${i}`, { n: i, text: 'v'.repeat(size) }]);
const openDescriptors = async () => (await readdir('/proc/self/fd')).length;

async function entriesBelow(path: string): Promise<string[]> {
  return (await readdir(path, { recursive: true })).map(String).sort();
}

describe('a save on a failing disk', () => {
  it('whichever step fails: answers 122/123, closes every file, removes its staging, keeps the previous save loadable', async () => {
    // Count the file operations of one save (2 data files), then fail each of them in turn.
    const probe = new FaultyFileSystem();
    const probeRoot = await root();
    const dataset = keys(60_000, 150); // > 10 MiB: two data files
    expect((await new FilePersistence({ path: probeRoot, enabled: true, fs: probe }).save('ds', { kind: 'kv', keys: dataset })).st).toBe(
      121,
    );
    const steps = probe.calls.filter((call) => call.op !== 'readdir');
    expect(steps.filter((call) => call.op === 'write').length).toBeGreaterThan(10);

    const path = await root();
    const previous = new FilePersistence({ path, enabled: true });
    expect((await previous.save('ds', { kind: 'kv', keys: keys(3) })).st).toBe(121);
    const layout = await entriesBelow(path);
    const descriptors = await openDescriptors();
    // Every kind of step, and each write of the first data file's first few chunks.
    const chosen = steps.filter((step, i) => step.op !== 'write' || steps.slice(0, i).filter((s) => s.op === 'write').length < 4);
    for (const step of chosen) {
      const fs = new FaultyFileSystem();
      const index = steps.indexOf(step);
      const after = steps.slice(0, index).filter((s) => s.op === step.op && relative(s.path) === relative(step.path)).length;
      fs.fail({ op: step.op, path: (p) => relative(p) === relative(step.path), after, times: 1, fault: { error: 'ENOSPC' } });
      const outcome = await new FilePersistence({ path, enabled: true, fs }).save('ds', { kind: 'kv', keys: dataset });
      if (outcome.st === 121) {
        // A failing step after the rename (the final directory sync): the save is complete; remove it.
        const saves = (await readdir(join(path, 'ds'))).sort();
        await rm(join(path, 'ds', saves.at(-1)!), { recursive: true });
      } else {
        expect([122, 123], `${step.op} ${step.path}`).toContain(outcome.st);
      }
      expect(await entriesBelow(path), `after a failed ${step.op} of ${relative(step.path)}`).toEqual(layout);
      expect(await openDescriptors()).toBeLessThanOrEqual(descriptors);
    }
    const loaded = await previous.load('ds', 'kv');
    expect(loaded.ok && [...(loaded.dataset.kind === 'kv' ? loaded.dataset.keys : [])]).toHaveLength(3);
  }, 120_000); // one >10 MiB save per file operation: 30 s was not enough on a loaded 2-core CI machine

  it('a later save and removeStaleStaging() remove staging directories a crash left behind', async () => {
    const path = await root();
    await mkdir(join(path, 'ds', '.1700000000000000000.abcd1234.saving', 'data'), { recursive: true });
    await writeFile(join(path, 'ds', '.1700000000000000000.abcd1234.saving', 'data', '0'), 'x'.repeat(1000));
    await mkdir(join(path, 'other', '.1700000000000000001.00ff00ff.saving'), { recursive: true });
    const removed: string[] = [];
    const persistence = new FilePersistence({ path, enabled: true, onStaleStagingRemoved: (at) => removed.push(at) });
    expect((await persistence.save('ds', { kind: 'kv', keys: keys(1) })).st).toBe(121);
    expect(removed).toEqual([join(path, 'ds', '.1700000000000000000.abcd1234.saving')]);
    expect(await persistence.removeStaleStaging()).toEqual([join(path, 'other', '.1700000000000000001.00ff00ff.saving')]);
    expect((await readdir(join(path, 'ds'))).every((entry) => /^\d+$/.test(entry))).toBe(true);
  });
});

describe('a damaged save', () => {
  async function savedTwice(path: string) {
    const persistence = new FilePersistence({ path, enabled: true });
    await persistence.save('ds', { kind: 'kv', keys: [['a', 1]] });
    await persistence.save('ds', {
      kind: 'kv',
      keys: [
        ['a', 1234],
        ['b', { c: [1, 2] }],
      ],
    });
    const newest = (await readdir(join(path, 'ds'))).sort().at(-1)!;
    return { persistence, save: join(path, 'ds', newest) };
  }

  it('carries a checksum manifest in md/ that upstream does not read', async () => {
    const path = await root();
    const { save } = await savedTwice(path);
    expect((await readdir(join(save, 'md'))).sort()).toEqual(['checksums.json', 'md.json']);
    expect(await readdir(join(save, 'data'))).toEqual(['0']);
    const manifest = JSON.parse(await readFile(join(save, 'md', 'checksums.json'), 'utf8'));
    expect(manifest).toEqual({
      format: 1,
      algorithm: 'crc32',
      files: { 'data/0': { bytes: expect.any(Number), crc32: expect.stringMatching(/^[0-9a-f]{8}$/) }, 'md/md.json': expect.any(Object) },
    });
  });

  it.each([
    ['a changed digit (still valid JSON)', (text: string) => text.replace('1234', '1235')],
    ['a flipped byte', (text: string) => text.replace('"b"', '"c"')],
    ['a cut-short file', (text: string) => text.slice(0, -3)],
  ])('%s is refused as damaged, naming the file; check-dataset --fix moves it aside so the previous save loads', async (_name, damage) => {
    const path = await root();
    const { persistence, save } = await savedTwice(path);
    const file = join(save, 'data', '0');
    await writeFile(file, damage(await readFile(file, 'utf8')));
    const outcome = await persistence.load('ds', 'kv');
    expect(outcome).toMatchObject({ ok: false, reason: 'damaged', detail: expect.stringMatching(/data\/0: /) });

    const report = await checkDataset(join(path, 'ds'));
    expect(report.saves.map((s) => s.problems.length > 0)).toEqual([true, false]);
    expect(report.saves[0]!.problems[0]).toMatch(/^data\/0: /);
    const fixed = await checkDataset(join(path, 'ds'), { fix: true });
    expect(fixed.movedAside).toEqual([join(`${path}/ds.damaged`, save.slice(save.lastIndexOf('/') + 1))]);
    const loaded = await persistence.load('ds', 'kv');
    expect(loaded.ok && [...(loaded.dataset.kind === 'kv' ? loaded.dataset.keys : [])]).toEqual([['a', 1]]);
  });

  it('a save without a manifest (written by upstream) loads as before', async () => {
    const path = await root();
    const { persistence, save } = await savedTwice(path);
    await rm(join(save, 'md', 'checksums.json'));
    const loaded = await persistence.load('ds', 'kv');
    expect(loaded.ok).toBe(true);
    expect((await checkDataset(save)).saves[0]).toMatchObject({ checksummed: false, problems: [], items: 2 });
  });
});

/** A path with the random parts (the root, the staging name, the timestamp) taken out. */
function relative(path: string): string {
  return path
    .replace(/^.*\/ds(\/|$)/, 'ds$1')
    .replace(/\.\d+\.[0-9a-f]+\.saving/, 'STAGING')
    .replace(/\/\d{19}$/, '/TIMESTAMP');
}
