import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { appConfig, memoryLogger } from './in-process.test-util.js';
import { handleSignals, run, type Running } from './main.js';
import { openClient as connect } from './ws-client.test-util.js';

const running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop({ timeoutMs: 500 })));
});

async function start(argv: string[] = []) {
  const log = memoryLogger();
  const server = await run(appConfig(argv), log.logger);
  running.push(server);
  return { server, ...log };
}

describe('run', () => {
  it('serves the engine and logs "listening" with the real URL', async () => {
    const { server, lines } = await start();
    expect(server.server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const listening = lines.find((line) => line.msg === 'listening');
    expect(listening).toMatchObject({ level: 30, url: server.server.url, maxPayload: 1024 * 1024, persist: { enabled: false } });
    const client = await connect(server.server.url);
    const reply = JSON.parse(await client.request('{"SH_NEW":{}}')) as { SH_NEW_RSP: { st: number } };
    expect(reply.SH_NEW_RSP.st).toBe(1);
  });

  it('applies maxPayload: a larger message closes the connection with 1009', async () => {
    const { server } = await start(['--max-payload', '64']);
    const client = await connect(server.server.url);
    client.ws.send(JSON.stringify({ KV_SET: { keys: { k: 'x'.repeat(100) } } }));
    expect(await client.closed).toBe(1009);
  });

  it('stop closes connections with 1001 and can be called twice', async () => {
    const { server } = await start();
    const client = await connect(server.server.url);
    await Promise.all([server.stop(), server.stop()]);
    expect(await client.closed).toBe(1001);
  });
});

describe('the web console', () => {
  const httpUrl = (server: Running) => server.server.url.replace(/^ws/, 'http');

  it('is served on GET / by default, and the "listening" line says where', async () => {
    const { server, lines } = await start();
    const page = await fetch(`${httpUrl(server)}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    // The script's name carries a content hash (console.<hash>.js): read it from the page.
    const name = /src="(console\.[0-9A-Z]+\.js)"/.exec(await page.text())?.[1];
    expect(name).toBeDefined();
    const script = await fetch(`${httpUrl(server)}/${name}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(lines.find((line) => line.msg === 'listening')).toMatchObject({ console: httpUrl(server) });
  });

  it('is not served with --no-console: GET / is refused, WebSocket unchanged', async () => {
    const { server, lines } = await start(['--no-console']);
    const page = await fetch(`${httpUrl(server)}/`);
    // Without a static directory every path but /health and /metrics asks for a WebSocket upgrade.
    expect(page.status).toBe(426);
    await page.body?.cancel();
    expect((await fetch(`${httpUrl(server)}/console.js`)).status).toBe(426);
    expect(lines.find((line) => line.msg === 'listening')).toMatchObject({ console: false });
    const client = await connect(server.server.url);
    expect(JSON.parse(await client.request('{"SV_INFO":{}}'))).toMatchObject({ SV_INFO_RSP: { st: 1 } });
  });
});

describe('handleSignals', () => {
  function fakeProcess() {
    const emitter = new EventEmitter();
    const exits: number[] = [];
    let exited: (code: number) => void = () => {};
    const nextExit = () => new Promise<number>((resolve) => (exited = resolve));
    return {
      process: emitter as unknown as Pick<NodeJS.Process, 'on' | 'off'>,
      emit: (signal: NodeJS.Signals) => emitter.emit(signal, signal),
      exits,
      exit: (code: number) => {
        exits.push(code);
        exited(code);
      },
      nextExit,
      listeners: () => emitter.listenerCount('SIGINT') + emitter.listenerCount('SIGTERM'),
    };
  }

  it.each(['SIGTERM', 'SIGINT'] as const)('%s stops gracefully and exits 0; the client sees 1001', async (signal) => {
    const { server, logger, messages } = await start();
    const client = await connect(server.server.url);
    const fake = fakeProcess();
    const remove = handleSignals(server, logger, { process: fake.process, exit: fake.exit });
    const exit = fake.nextExit();
    fake.emit(signal);
    expect(await exit).toBe(0);
    expect(await client.closed).toBe(1001);
    expect(messages()).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
    remove();
    expect(fake.listeners()).toBe(0);
  });

  it('waits for a server still starting, then stops it', async () => {
    const { logger } = memoryLogger();
    const fake = fakeProcess();
    const starting = run(appConfig(), logger);
    handleSignals(starting, logger, { process: fake.process, exit: fake.exit });
    const exit = fake.nextExit();
    fake.emit('SIGTERM');
    expect(await exit).toBe(0);
    const started = await starting;
    await expect(connect(started.server.url)).rejects.toThrow();
  });

  it('a second signal exits 1 at once', async () => {
    const { logger, messages } = memoryLogger();
    const hung = { stop: () => new Promise<void>(() => {}), server: { connections: 0 } } as unknown as Running;
    const fake = fakeProcess();
    const remove = handleSignals(hung, logger, { process: fake.process, exit: fake.exit, forceExitMs: 60_000 });
    fake.emit('SIGTERM');
    fake.emit('SIGINT');
    expect(fake.exits).toEqual([1]);
    expect(messages()).toContain('second signal: exiting now');
    remove();
  });

  it('exits 1 when stopping hangs past forceExitMs', async () => {
    const { logger, messages } = memoryLogger();
    const hung = { stop: () => new Promise<void>(() => {}), server: { connections: 0 } } as unknown as Running;
    const fake = fakeProcess();
    handleSignals(hung, logger, { process: fake.process, exit: fake.exit, forceExitMs: 50 });
    const exit = fake.nextExit();
    fake.emit('SIGTERM');
    expect(await exit).toBe(1);
    expect(messages()).toContain('shutdown took too long: exiting');
  });
});
