// Journal write throughput: KV_SET through the engine with the journal attached, per fsync policy,
// in groups of 1,024 writes in flight (16 clients × 64) and of 1 (one client, one request at a
// time). Run with `pnpm bench` (after `pnpm build`); JOURNAL_BENCH_SECONDS sets the time per row.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The built package, as users get it.
import { Engine, Journal, type FsyncPolicy } from '@nemesisdb/engine';

const SECONDS = Number(process.env.JOURNAL_BENCH_SECONDS ?? 3);
const root = await mkdtemp(join(tmpdir(), 'nemesisdb-journal-bench-'));
try {
  const rows = [];
  for (const [fsync, group] of [
    ['always', 1024],
    ['everysec', 1024],
    ['no', 1024],
    ['always', 1],
  ] as [FsyncPolicy, number][]) {
    const engine = new Engine();
    const { journal } = await Journal.open(engine, { directory: join(root, `journal-${fsync}-${group}`), fsync });
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    let writes = 0;
    while (performance.now() - started < SECONDS * 1000) {
      for (let i = 0; i < group; i++) engine.execute(`{"KV_SET":{"keys":{"k${writes++ % 100_000}":{"name":"someone","visits":7}}}}`);
      await (engine.pendingDurability() ?? new Promise((resolve) => setImmediate(resolve)));
    }
    const elapsed = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    // CPU per write (user + system) is steadier than writes/s, which also waits for the disk.
    rows.push({
      fsync,
      'writes in flight': group,
      'writes/s': Math.round(writes / elapsed),
      'CPU µs/write': Number(((cpu.user + cpu.system) / writes).toFixed(2)),
    });
    await journal.close();
    await engine.close();
  }
  console.log(`\nJournal write throughput (Node ${process.version}, KV_SET of a small object):`);
  console.table(rows);
} finally {
  await rm(root, { recursive: true, force: true });
}
