// Persistence figures: save and load of 1M sessions with two small keys (seconds, MB/s, bytes on
// disk, and the longest pause the event loop saw while the save ran), and journal throughput with
// fsync "always" against "everysec". Run with `pnpm bench` (after `pnpm build`).
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from '@nemesisdb/protocol';
// The built package, as users get it.
import { Engine, FilePersistence, Journal, type FsyncPolicy } from '@nemesisdb/engine';
import { isPromise } from '@nemesisdb/engine/internal';

const SESSIONS = Number(process.env.PERSIST_SESSIONS ?? 1_000_000);

async function directoryBytes(path: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    total += entry.isDirectory() ? await directoryBytes(full) : (await stat(full)).size;
  }
  return total;
}

/** Watches the event loop: the longest gap between two turns while `work` runs. */
async function longestPause<T>(work: () => Promise<T>): Promise<{ result: T; pauseMs: number }> {
  let longest = 0;
  let last = performance.now();
  let running = true;
  const watcher = (async () => {
    while (running) {
      await new Promise((resolve) => setImmediate(resolve));
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }
  })();
  const result = await work();
  running = false;
  await watcher;
  return { result, pauseMs: longest };
}

const root = await mkdtemp(join(tmpdir(), 'nemesisdb-bench-'));
try {
  // ------------------------------------------------------------------ save and load
  const persistence = new FilePersistence({ path: root, enabled: true });
  const engine = new Engine({ persistence });
  for (let i = 0; i < SESSIONS; i++) {
    const reply = engine.executeRequest({ SH_NEW: {} }) as { SH_NEW_RSP: { tkn: bigint } };
    engine.executeRequest(
      decode(`{"SH_SET":{"tkn":${reply.SH_NEW_RSP.tkn},"keys":{"name":"user${i}","visits":${i}}}}`, { exactNumbers: true }),
    );
  }
  const saveStarted = performance.now();
  const { result: saveReply, pauseMs } = await longestPause(async () => {
    const reply = engine.execute('{"SH_SAVE":{"name":"bench"}}');
    return isPromise(reply) ? await reply : reply;
  });
  const saveSeconds = (performance.now() - saveStarted) / 1000;
  if (!saveReply.includes('"st":121')) throw new Error(`save failed: ${saveReply}`);
  const bytes = await directoryBytes(join(root, 'bench'));
  engine.close();

  const fresh = new Engine({ persistence });
  const loadStarted = performance.now();
  const loadReply = await fresh.execute('{"SH_LOAD":{"name":"bench"}}');
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  if (!loadReply.includes('"st":141')) throw new Error(`load failed: ${loadReply}`);
  fresh.close();

  console.log(`\nPersistence (Node ${process.version}): ${SESSIONS.toLocaleString()} sessions with 2 small keys`);
  console.table([
    {
      operation: 'SH_SAVE',
      seconds: Number(saveSeconds.toFixed(2)),
      'MB/s': Number((bytes / 1e6 / saveSeconds).toFixed(1)),
      'MB on disk': Number((bytes / 1e6).toFixed(1)),
      'longest pause ms': Number(pauseMs.toFixed(1)),
    },
    {
      operation: 'SH_LOAD',
      seconds: Number(loadSeconds.toFixed(2)),
      'MB/s': Number((bytes / 1e6 / loadSeconds).toFixed(1)),
      'MB on disk': Number((bytes / 1e6).toFixed(1)),
      'longest pause ms': '(blocking: before serving)',
    },
  ]);
  console.log('Targets: save and load ≤ 5 s each; the longest pause other clients see during a save < 50 ms.');

  // ------------------------------------------------------------------ journal throughput
  const rows = [];
  for (const fsync of ['always', 'everysec'] as FsyncPolicy[]) {
    const journalEngine = new Engine();
    const { journal } = await Journal.open(journalEngine, { directory: join(root, `journal-${fsync}`), fsync });
    const seconds = 3;
    const started = performance.now();
    let writes = 0;
    // 16 clients with 64 requests in flight: a group of 1,024 writes, then wait until it is durable.
    while (performance.now() - started < seconds * 1000) {
      for (let i = 0; i < 1024; i++) journalEngine.execute(`{"KV_SET":{"keys":{"k${writes++ % 100_000}":{"name":"someone","visits":7}}}}`);
      await (journalEngine.pendingDurability() ?? new Promise((resolve) => setImmediate(resolve)));
    }
    const elapsed = (performance.now() - started) / 1000;
    rows.push({ fsync, 'writes/s': Math.round(writes / elapsed) });
    await journal.close();
    journalEngine.close();
  }
  console.log('\nJournal write throughput (KV_SET, groups of 1,024 writes in flight):');
  console.table(rows);
} finally {
  await rm(root, { recursive: true, force: true });
}
