// End-to-end: the built executable (turbo builds dist before running tests), as users start it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openClient as connect } from './ws-client.test-util.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const DEFAULT_JSONC = fileURLToPath(new URL('./fixtures/default.jsonc', import.meta.url));

/** The test runner's environment without NEMESISDB_* variables, which would change the settings. */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NEMESISDB_')));

interface Cli {
  child: ChildProcess;
  /** stdout lines so far, parsed when JSON. */
  lines: Record<string, unknown>[];
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): Cli {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...cleanEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  const lines: Record<string, unknown>[] = [];
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    lines.length = 0;
    for (const line of stdout.split('\n')) {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log line (help text, or a line still being written)
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, lines, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Resolves with the URL of the "listening" line; fails if the process ends first. */
async function listening(cli: Cli): Promise<string> {
  return new Promise((resolve, reject) => {
    const look = () => {
      const line = cli.lines.find((entry) => entry.msg === 'listening');
      if (line) {
        cli.child.stdout?.off('data', look);
        resolve(String(line.url));
      }
    };
    cli.child.stdout?.on('data', look);
    void cli.exited.then(({ code }) => reject(new Error(`exited ${code} before listening: ${cli.stdout()}${cli.stderr()}`)));
    look();
  });
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nemesisdb-cli-'));
  dirs.push(dir);
  return dir;
}

describe('nemesisdb executable', () => {
  it('starts with --host 127.0.0.1 --port 0, serves SH_NEW, and exits 0 on SIGTERM closing clients with 1001', async () => {
    const cli = spawnCli(['--host', '127.0.0.1', '--port', '0']);
    const url = await listening(cli);
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(url).not.toMatch(/:0$/);

    const { request, closed } = await connect(url);
    const body = JSON.parse(await request('{"SH_NEW":{}}')) as { SH_NEW_RSP?: { st: number; tkn: unknown } };
    expect(body.SH_NEW_RSP?.st).toBe(1);

    cli.child.kill('SIGTERM');
    expect(await closed).toBe(1001);
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(cli.lines.map((line) => line.msg)).toEqual(expect.arrayContaining(['listening', 'shutting down', 'stopped']));
    expect(cli.stderr()).toBe('');
  });

  it('exits 0 on SIGINT too', async () => {
    const cli = spawnCli(['--host', '127.0.0.1', '--port', '0']);
    await listening(cli);
    cli.child.kill('SIGINT');
    expect((await cli.exited).code).toBe(0);
  });

  it("runs on upstream's default.jsonc (--config=FILE) with its maxPayload of 1024", async () => {
    const cli = spawnCli([`--config=${DEFAULT_JSONC}`, '--port', '0']);
    const url = await listening(cli);
    expect(cli.lines.find((line) => line.msg === 'listening')).toMatchObject({ maxPayload: 1024, configFile: DEFAULT_JSONC });
    const { ws, closed } = await connect(url);
    ws.send(JSON.stringify({ KV_SET: { keys: { big: 'x'.repeat(2000) } } }));
    expect(await closed).toBe(1009);
  });

  it('takes settings from NEMESISDB_* variables', async () => {
    const cli = spawnCli([], { NEMESISDB_HOST: '127.0.0.1', NEMESISDB_PORT: '0', NEMESISDB_MAX_PAYLOAD: '4096' });
    await listening(cli);
    expect(cli.lines.find((line) => line.msg === 'listening')).toMatchObject({ maxPayload: 4096 });
  });

  it('a bad config file exits 1 with one line on stderr and nothing on stdout', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.jsonc');
    writeFileSync(
      file,
      '// too small\n{"version":5,"ip":"127.0.0.1","port":0,"maxPayload":10,"persist":{"enabled":false,"path":"./data"}}',
    );
    const cli = spawnCli(['--config', file]);
    expect((await cli.exited).code).toBe(1);
    expect(cli.stderr()).toBe('config error: maxPayload must be an integer from 64 to 67108864 (got 10)\n');
    expect(cli.stdout()).toBe('');
  });

  it('--loadPath without --loadName exits 1 with a clear line (upstream crashes)', async () => {
    const cli = spawnCli(['--loadPath=/tmp']);
    expect((await cli.exited).code).toBe(1);
    expect(cli.stderr()).toBe('config error: --loadPath needs --loadName (the dataset to load from that directory)\n');
  });

  it('--help prints usage and exits 0', async () => {
    const cli = spawnCli(['--help']);
    expect((await cli.exited).code).toBe(0);
    expect(cli.stdout()).toMatch(/^Usage: nemesisdb \[options\]/);
    expect(cli.stdout()).toContain('--loadName <name>');
    expect(cli.stderr()).toBe('');
  });

  it('a port in use exits 1 with a fatal log line', async () => {
    const first = spawnCli(['--host', '127.0.0.1', '--port', '0']);
    const port = new URL(await listening(first)).port;
    const second = spawnCli(['--host', '127.0.0.1', '--port', port]);
    expect((await second.exited).code).toBe(1);
    expect(second.lines.find((line) => line.level === 60)).toMatchObject({
      msg: 'cannot listen: the address is in use',
      port: Number(port),
    });
  });
});
