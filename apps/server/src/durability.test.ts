// Durability of the running server under faults, through the built executable: SIGKILL under load
// with each fsync policy, damaged journals and datasets at start-up, and (as root) a real full disk.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, statfsSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, runToEnd, start, tempDir, type Started } from './app-process.test-util.js';

/** Sends KV_SETs of unique keys with a window of requests in flight; remembers which were acknowledged. */
async function writer(url: string, name: string, window: number, value: string) {
  const client = await connect(url);
  const inFlight: string[] = [];
  const acknowledged: string[] = [];
  const refused: string[] = [];
  let next = 0;
  let running = true;
  const sendOne = () => {
    const key = `${name}-${next++}`;
    inFlight.push(key);
    client.ws.send(`{"KV_SET":{"keys":{"${key}":${value}}}}`);
  };
  client.ws.on('message', (data) => {
    const key = inFlight.shift()!;
    const text = data.toString();
    if (text === '{"KV_SET_RSP":{"st":1}}') acknowledged.push(key);
    else refused.push(key);
    if (running) sendOne();
  });
  for (let i = 0; i < window; i++) sendOne();
  return {
    acknowledged,
    refused,
    inFlight,
    stop: () => {
      running = false;
    },
    close: () => client.close(),
  };
}

/** Keys among `keys` that the server does not have. */
async function missing(url: string, keys: readonly string[]): Promise<string[]> {
  const client = await connect(url);
  const absent: string[] = [];
  for (let i = 0; i < keys.length; i += 500) {
    const chunk = keys.slice(i, i + 500);
    const [reply] = await client.send(`{"KV_CONTAINS":{"keys":${JSON.stringify(chunk)}}}`);
    const present = new Set(JSON.parse(reply!).KV_CONTAINS_RSP.contains as string[]);
    for (const key of chunk) if (!present.has(key)) absent.push(key);
  }
  client.close();
  return absent;
}

const until = async (condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('SIGKILL under load', () => {
  it.each(['always', 'everysec', 'no'])(
    'journal %s: not one acknowledged write is lost',
    async (fsync) => {
      const root = tempDir();
      const flags = ['--persist-enabled', '--persist-path', root, '--journal', fsync];
      const server = await start(flags);
      const writers = await Promise.all([0, 1, 2, 3].map((i) => writer(server.url, `w${i}`, 64, '{"v":"0123456789"}')));
      await until(() => writers.every((w) => w.acknowledged.length > 2000), 'writes to be acknowledged');
      server.child.kill('SIGKILL');
      await server.exited;
      const acknowledged = writers.flatMap((w) => w.acknowledged);

      const restarted = await start(flags);
      const lost = await missing(restarted.url, acknowledged);
      console.info(`journal ${fsync}: ${acknowledged.length} writes acknowledged before SIGKILL, ${lost.length} lost`);
      // Every policy acknowledges a write only once it is in the OS (`always` also waits for fdatasync), so a kill
      // of the process loses nothing with any of them (docs/concepts/persistence.md; a crash of the machine is
      // where they differ, which a test here cannot cause).
      expect(lost).toEqual([]);
      for (const w of writers) w.close();
    },
    60_000,
  );
});

describe('damage at start-up', () => {
  async function journalWithRecords(count: number): Promise<{ root: string; flags: string[]; log: string }> {
    const root = tempDir();
    const flags = ['--persist-enabled', '--persist-path', root, '--journal', 'always'];
    const server = await start(flags);
    const client = await connect(server.url);
    const requests = Array.from({ length: count }, (_, i) => `{"KV_SET":{"keys":{"k${i}":${i}}}}`);
    await client.send(...requests);
    server.child.kill('SIGKILL');
    await server.exited;
    const directory = join(root, 'journal');
    const log = readdirSync(directory)
      .filter((entry) => entry.startsWith('log-'))
      .sort()
      .at(-1)!;
    return { root, flags, log: join(directory, log) };
  }

  it('a journal damaged in the middle stops the start with one fatal line; check-journal --fix repairs it', async () => {
    const { root, flags, log } = await journalWithRecords(200);
    const bytes = readFileSync(log);
    const at = bytes.indexOf('"k100"');
    bytes[at + 2] = bytes[at + 2]! ^ 0x01;
    writeFileSync(log, bytes);

    const failure = (await start(flags).catch((error: unknown) => error)) as { code: number; lines: Record<string, unknown>[] };
    expect(failure.code).toBe(1);
    const fatal = failure.lines.filter((line) => line.level === 60);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatchObject({ path: log, record: 101, offset: bytes.lastIndexOf(0x0a, at) + 1, reason: 'checksum mismatch' });
    expect(fatal[0]!.msg).toContain(`nemesisdb check-journal ${join(root, 'journal')} --fix`);
    expect(readFileSync(log)).toEqual(bytes); // not rewritten, not deleted

    const check = await runToEnd(['check-journal', join(root, 'journal')]);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`damaged record 101 at byte ${bytes.lastIndexOf(0x0a, at) + 1}`);
    const fixed = await runToEnd(['check-journal', join(root, 'journal'), '--fix']);
    expect(fixed).toMatchObject({ code: 0, stdout: expect.stringContaining('100 records dropped; backup: ') });

    const server = await start(flags);
    expect(server.lines.find((line) => line.msg === 'journal recovered')).toMatchObject({ records: 100, skipped: 0 });
    const client = await connect(server.url);
    expect(await client.send('{"KV_COUNT":{}}')).toEqual(['{"KV_COUNT_RSP":{"cnt":100,"st":1}}']);
    // Replaying the journal is not traffic: no KV_SET in the command counters.
    const metrics = await (await fetch(`${server.http}/metrics`)).text();
    expect(metrics).not.toMatch(/nemesisdb_commands_total\{command="KV_SET"/);
    expect(metrics).toMatch(/^nemesisdb_journal_failed 0$/m);
    client.close();
  }, 60_000);

  it('a damaged dataset stops the start-up load, naming the file; check-dataset says which save loads', async () => {
    const root = tempDir();
    const server = await start(['--persist-enabled', '--persist-path', root]);
    const client = await connect(server.url);
    await client.send(
      '{"KV_SET":{"keys":{"price":1234}}}',
      '{"KV_SAVE":{"name":"shop"}}',
      '{"KV_SET":{"keys":{"price":1299}}}',
      '{"KV_SAVE":{"name":"shop"}}',
    );
    server.child.kill('SIGTERM');
    await server.exited;
    const newest = readdirSync(join(root, 'shop')).sort().at(-1)!;
    const file = join(root, 'shop', newest, 'data', '0');
    writeFileSync(file, readFileSync(file, 'utf8').replace('1299', '1399')); // still valid JSON

    const failure = (await start(['--persist-path', root, '--loadName=shop']).catch((error: unknown) => error)) as {
      code: number;
      lines: Record<string, unknown>[];
    };
    expect(failure.code).toBe(1);
    expect(failure.lines.filter((line) => line.level === 60).map((line) => line.msg)).toEqual([
      expect.stringMatching(/data\/0: checksum mismatch.*nemesisdb check-dataset/),
    ]);
    const check = await runToEnd(['check-dataset', join(root, 'shop')]);
    expect(check).toMatchObject({ code: 1, stdout: expect.stringContaining('data/0: checksum mismatch') });
    expect((await runToEnd(['check-dataset', join(root, 'shop'), '--fix'])).code).toBe(0);
    const again = await start(['--persist-path', root, '--loadName=shop']);
    const reader = await connect(again.url);
    expect(await reader.send('{"KV_GET":{"keys":["price"]}}')).toEqual(['{"KV_GET_RSP":{"keys":{"price":1234},"st":1}}']);
    reader.close();
  }, 60_000);
});

// ------------------------------------------------------------------ a real full disk (tmpfs)

const asRoot = process.getuid?.() === 0 && process.platform === 'linux';
const mounts: string[] = [];
afterEach(() => {
  for (const mount of mounts.splice(0)) {
    try {
      execFileSync('umount', ['-l', mount]);
    } catch {
      // already gone
    }
  }
});

function smallDisk(megabytes: number): string {
  const mount = join(tempDir(), 'disk');
  mkdirSync(mount);
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', mount]);
  mounts.push(mount);
  return mount;
}

const freeBytes = (path: string) => {
  const stats = statfsSync(path);
  return stats.bavail * stats.bsize;
};

/** Fills the disk at `path` but for `leaveBytes`. */
function fill(path: string, leaveBytes: number): string {
  const filler = join(path, 'filler');
  writeFileSync(filler, Buffer.alloc(Math.max(0, freeBytes(path) - leaveBytes)));
  return filler;
}

async function health(server: Started) {
  return (await (await fetch(`${server.http}/health`)).json()) as Record<string, unknown>;
}

describe.skipIf(!asRoot)(`on a real full disk (tmpfs, as root)${asRoot ? '' : ' (skipped: needs root on Linux to mount a tmpfs)'}`, () => {
  it('journal "always": refuses changes while full, loses no acknowledged write, recovers by itself when space returns', async () => {
    const disk = smallDisk(4);
    const flags = ['--persist-enabled', '--persist-path', disk, '--journal', 'always'];
    const server = await start(flags);
    const filler = fill(disk, 256 * 1024);
    const value = JSON.stringify('x'.repeat(512));
    const writers = await Promise.all([0, 1].map((i) => writer(server.url, `w${i}`, 32, value)));
    // The group that hit the full disk is held (its replies wait for the disk); the server says so.
    await until(async () => (await health(server)).status === 'degraded', 'the journal to fail on the full disk', 30_000);
    expect(await health(server)).toMatchObject({
      status: 'degraded',
      journal: { state: 'failed', cause: expect.stringMatching(/^ENOSPC/) },
    });
    const metrics = await (await fetch(`${server.http}/metrics`)).text();
    expect(metrics).toMatch(/^nemesisdb_journal_failed 1$/m);
    const heldBefore = writers.reduce((n, w) => n + w.inFlight.length, 0);
    expect(heldBefore).toBeGreaterThan(0);

    // A new change is refused before it is applied (nobody can read it); reads are answered.
    const probe = await connect(server.url);
    const [refusal] = await probe.send('{"KV_SET":{"keys":{"refused":1}}}');
    expect(JSON.parse(refusal!).KV_SET_RSP).toMatchObject({
      st: 1000,
      m: expect.stringMatching(/^journal failed \(ENOSPC: .*\): changes are refused/),
    });
    expect(await probe.send('{"KV_CONTAINS":{"keys":["refused"]}}')).toEqual(['{"KV_CONTAINS_RSP":{"contains":[],"st":1}}']);
    const logged = server.lines.find(
      (line) => line.msg === 'journal write failed: refusing changes until the journal can be written; retrying',
    );
    expect(logged).toBeDefined();

    // Space comes back: the held replies are released and writes are accepted again, no restart.
    for (const w of writers) w.stop();
    const freed = Date.now();
    unlinkSync(filler);
    await until(
      async () => (await probe.send('{"KV_SET":{"keys":{"after":1}}}'))[0] === '{"KV_SET_RSP":{"st":1}}',
      'writes to be accepted again',
    );
    const recoveryMs = Date.now() - freed;
    await until(() => writers.every((w) => w.inFlight.length === 0), 'the held replies');
    console.info(
      `full disk: ${writers.reduce((n, w) => n + w.acknowledged.length, 0)} acknowledged, ${writers.reduce((n, w) => n + w.refused.length, 0)} refused; writes accepted again ${recoveryMs} ms after space was freed`,
    );
    expect(await health(server)).toMatchObject({ status: 'ok', journal: { state: 'ok' } });
    expect(server.lines.some((line) => line.msg === 'journal written again: accepting changes')).toBe(true);

    // Not one acknowledged write lost across a SIGKILL.
    const acknowledged = [...writers.flatMap((w) => w.acknowledged), 'after'];
    server.child.kill('SIGKILL');
    await server.exited;
    const restarted = await start(flags);
    expect(await missing(restarted.url, acknowledged)).toEqual([]);
    probe.close();
    for (const w of writers) w.close();
  }, 90_000);

  it('a save that fails on a full disk gives all its space back, and the next one succeeds', async () => {
    const disk = smallDisk(8);
    const server = await start(['--persist-enabled', '--persist-path', disk]);
    const client = await connect(server.url);
    const value = JSON.stringify('y'.repeat(1000));
    for (let batch = 0; batch < 3; batch++) {
      await client.send(...Array.from({ length: 1000 }, (_, i) => `{"KV_SET":{"keys":{"k${batch}-${i}":${value}}}}`));
    }
    expect(await client.send('{"KV_SAVE":{"name":"first"}}')).toEqual([expect.stringMatching(/"st":121/)]);
    const filler = fill(disk, 1024 * 1024); // less than the 3 MB a save needs
    const before = freeBytes(disk);
    expect(await client.send('{"KV_SAVE":{"name":"big"}}')).toEqual([expect.stringMatching(/"st":12[23]/)]);
    expect(freeBytes(disk)).toBe(before);
    expect(readdirSync(join(disk, 'big'))).toEqual([]);
    // Even a small save fits again (nothing was kept open on a deleted file).
    expect(await client.send('{"SH_SAVE":{"name":"small"}}')).toEqual([expect.stringMatching(/"st":121/)]);
    rmSync(filler);
    expect(await client.send('{"KV_SAVE":{"name":"big"}}')).toEqual([expect.stringMatching(/"st":121/)]);
    client.close();
  }, 60_000);
});
