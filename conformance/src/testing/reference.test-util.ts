// Starts the C++ NemesisDB v0.7.4 reference (built with docs/guides/reference-server.md; its path
// in NDB_REF_BIN) with a config file of our choosing in a temporary directory, on a free port.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopChild } from './child.test-util.js';
import { freePort } from '@nemesisdb/test-utils';

export interface ReferenceServer {
  readonly url: string;
  stop(): Promise<void>;
}

export interface ReferenceConfig {
  readonly maxPayload: number;
  readonly persist: boolean;
}

export async function startReference(bin: string, config: ReferenceConfig): Promise<ReferenceServer> {
  // The reference takes its port from the config file, so it cannot bind port 0 itself: ask the
  // OS for a free port, then start it there; retry if another process took the port meanwhile.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'nemesisdb-reference-'));
    const port = await freePort();
    const data = join(dir, 'data');
    mkdirSync(data);
    const file = join(dir, 'config.json');
    writeFileSync(
      file,
      JSON.stringify({
        version: 5,
        core: 0,
        ip: '127.0.0.1',
        port,
        maxPayload: config.maxPayload,
        persist: { enabled: config.persist, path: data },
      }),
    );
    const child = spawn(bin, [`--config=${file}`], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const stop = (): Promise<void> => stopReference(child, dir);
    try {
      await waitForPort(port, child, () => output);
      return { url: `ws://127.0.0.1:${port}`, stop };
    } catch (error) {
      lastError = error;
      await stop();
    }
  }
  throw lastError;
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the reference exited (${child.exitCode ?? child.signalCode}): ${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await sleep(100);
  }
  throw new Error(`the reference did not listen on ${port} within 15 s: ${output()}`);
}

async function stopReference(child: ChildProcess, dir: string): Promise<void> {
  await stopChild(child, 5_000);
  rmSync(dir, { recursive: true, force: true });
}
