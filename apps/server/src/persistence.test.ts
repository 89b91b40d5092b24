// End-to-end persistence through the built executable: saves, the start-up load, and a crash
// (SIGKILL) in the middle of a large save.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connect, start, tempDir } from './app-process.test-util.js';

describe('persistence in the app', () => {
  it('saves, and loads at start-up with --loadName and --loadPath', async () => {
    const root = tempDir();
    const first = await start(['--persist-enabled', '--persist-path', root]);
    const client = await connect(first.url);
    const [created] = await client.send('{"SH_NEW":{}}');
    const tkn = /"tkn":(\d+)/.exec(created!)![1]!;
    await client.send(`{"SH_SET":{"tkn":${tkn},"keys":{"cart":[1,2],"big":18446744073709551615}}}`);
    expect(await client.send('{"SH_SAVE":{"name":"shop"}}')).toEqual([expect.stringMatching(/"st":121/)]);
    client.close();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = await start([`--loadName=shop`, `--loadPath=${root}`]);
    expect(second.lines.find((line) => line.msg === 'loaded')).toMatchObject({ dataset: 'shop', kind: 'sessions', sessions: 1, keys: 2 });
    const again = await connect(second.url);
    expect(await again.send(`{"SH_GET":{"tkn":${tkn},"keys":["cart","big"]}}`)).toEqual([
      '{"SH_GET_RSP":{"keys":{"cart":[1,2],"big":18446744073709551615},"st":1}}',
    ]);
    again.close();
  });

  it('exits 1 with one fatal line when the start-up dataset cannot be loaded', async () => {
    const root = tempDir();
    const failure = await start(['--persist-path', root, '--loadName=nope']).catch(
      (error: { code: number; lines: Record<string, unknown>[] }) => error,
    );
    expect(failure).toMatchObject({ code: 1 });
    const fatal = (failure as { lines: Record<string, unknown>[] }).lines.filter((line) => line.level === 60);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]!.msg).toMatch(/cannot load dataset "nope"/);
  });

  it('a SIGKILL in the middle of a large save leaves the previous save intact', async () => {
    const root = tempDir();
    const server = await start(['--persist-enabled', '--persist-path', root]);
    const client = await connect(server.url);
    await client.send('{"KV_SET":{"keys":{"generation":1}}}');
    expect(await client.send('{"KV_SAVE":{"name":"data"}}')).toEqual([expect.stringMatching(/"st":121/)]);
    // A large second generation: 60k keys of 1 KiB.
    const value = JSON.stringify('v'.repeat(1024));
    for (let batch = 0; batch < 60; batch++) {
      const requests = [];
      for (let i = 0; i < 1000; i++) requests.push(`{"KV_SET":{"keys":{"k${batch}_${i}":${value},"generation":2}}}`);
      await client.send(...requests);
    }
    client.ws.send('{"KV_SAVE":{"name":"data"}}');
    // Kill it while the save is being written (its staging directory exists).
    const deadline = Date.now() + 20_000;
    while (!readdirSync(join(root, 'data')).some((entry) => entry.startsWith('.')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    server.child.kill('SIGKILL');
    await server.exited;
    expect(readdirSync(join(root, 'data')).filter((entry) => /^\d+$/.test(entry))).toHaveLength(1);

    const restarted = await start([`--loadName=data`, '--persist-path', root]);
    const again = await connect(restarted.url);
    expect(await again.send('{"KV_GET":{"keys":["generation"]}}', '{"KV_COUNT":{}}')).toEqual([
      '{"KV_GET_RSP":{"keys":{"generation":1},"st":1}}',
      '{"KV_COUNT_RSP":{"cnt":1,"st":1}}',
    ]);
    again.close();
  }, 60_000);

  it('journal "always": every acknowledged write survives a SIGKILL', async () => {
    const root = tempDir();
    const flags = ['--persist-enabled', '--persist-path', root, '--journal', 'always'];
    const server = await start(flags);
    expect(server.lines.find((line) => line.msg === 'journal recovered')).toMatchObject({ fsync: 'always', records: 0 });
    const client = await connect(server.url);
    const N = 3000;
    let acknowledged = 0;
    for (let batch = 0; batch < N / 100; batch++) {
      const requests = [];
      for (let i = 0; i < 100; i++) requests.push(`{"KV_SET":{"keys":{"k${batch * 100 + i}":${batch * 100 + i}}}}`);
      const replies = await client.send(...requests);
      acknowledged += replies.filter((reply) => reply === '{"KV_SET_RSP":{"st":1}}').length;
    }
    const [created] = await client.send('{"SH_NEW":{"expiry":{"duration":3600}}}');
    const tkn = /"tkn":(\d+)/.exec(created!)![1]!;
    expect(await client.send(`{"SH_SET":{"tkn":${tkn},"keys":{"cart":[1,2,3]}}}`)).toEqual(['{"SH_SET_RSP":{"st":1}}']);
    expect(acknowledged).toBe(N);
    server.child.kill('SIGKILL');
    await server.exited;

    const restarted = await start(flags);
    expect(restarted.lines.find((line) => line.msg === 'journal recovered')).toMatchObject({ records: N + 2, skipped: 0 });
    const again = await connect(restarted.url);
    expect(
      await again.send('{"KV_COUNT":{}}', `{"KV_GET":{"keys":["k0","k${N - 1}"]}}`, `{"SH_GET":{"tkn":${tkn},"keys":["cart"]}}`),
    ).toEqual([
      `{"KV_COUNT_RSP":{"cnt":${N},"st":1}}`,
      `{"KV_GET_RSP":{"keys":{"k0":0,"k${N - 1}":${N - 1}},"st":1}}`,
      '{"SH_GET_RSP":{"keys":{"cart":[1,2,3]},"st":1}}',
    ]);
    again.close();
    // A graceful stop takes a checkpoint: the next start has nothing to replay.
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
    const third = await start(flags);
    expect(third.lines.find((line) => line.msg === 'journal recovered')).toMatchObject({ records: 0, keys: N + 1, sessions: 1 });
  }, 60_000);
});
