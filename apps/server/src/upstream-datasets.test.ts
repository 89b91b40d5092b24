// Datasets we save (with their checksum manifest) load in C++ NemesisDB v0.7.4, the reference built
// with docs/guides/reference-server.md and found through NDB_REF_BIN; skipped without it. (Saves
// written by upstream load here: the fixtures in packages/engine/src/persist/fixtures/upstream.)
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connect, start, tempDir } from './app-process.test-util.js';

const bin = process.env['NDB_REF_BIN'] || undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The reference on a free port, reading datasets from `path`. */
async function startReference(path: string) {
  const port = await freePort();
  const config = join(tempDir(), 'config.json');
  writeFileSync(config, JSON.stringify({ version: 5, core: 0, ip: '127.0.0.1', port, maxPayload: 8192, persist: { enabled: true, path } }));
  const child = spawn(bin!, [`--config=${config}`], { stdio: 'ignore' });
  const url = `ws://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    try {
      return { client: await connect(url), stop: () => child.kill('SIGKILL') };
    } catch (error) {
      if (attempt > 100 || child.exitCode !== null) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe.skipIf(!bin)(`our saves in C++ NemesisDB v0.7.4${bin ? '' : ' (skipped: NDB_REF_BIN is not set)'}`, () => {
  it('loads a KV and a session dataset saved by our server, manifest and all', async () => {
    const root = tempDir();
    const ours = await start(['--persist-enabled', '--persist-path', root]);
    const client = await connect(ours.url);
    await client.send('{"KV_SET":{"keys":{"price":1234,"doc":{"list":[1,2]}}}}', '{"KV_SAVE":{"name":"kv"}}');
    const [created] = await client.send('{"SH_NEW":{}}');
    const tkn = /"tkn":(\d+)/.exec(created!)![1]!;
    await client.send(`{"SH_SET":{"tkn":${tkn},"keys":{"cart":[1,2,3]}}}`, '{"SH_SAVE":{"name":"sessions"}}');
    client.close();

    const reference = await startReference(root);
    try {
      expect(await reference.client.send('{"KV_LOAD":{"name":"kv"}}')).toEqual([expect.stringMatching(/"st":141/)]);
      expect(await reference.client.send('{"KV_GET":{"keys":["price","doc"]}}')).toEqual([expect.stringMatching(/"price":1234/)]);
      expect(await reference.client.send('{"SH_LOAD":{"name":"sessions"}}')).toEqual([expect.stringMatching(/"st":141/)]);
      expect(await reference.client.send(`{"SH_GET":{"tkn":${tkn},"keys":["cart"]}}`)).toEqual([expect.stringMatching(/"cart":\[1,2,3\]/)]);
    } finally {
      reference.client.close();
      reference.stop();
    }
  }, 60_000);
});
