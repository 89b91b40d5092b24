import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, stopAllApps, type App } from './app-server.test-util.js';
import { STACK_TRACE, runCli } from './cli-process.test-util.js';

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(stopAllApps);

/** The summary's figures. */
function summary(stdout: string) {
  const figure = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(stdout)?.[1]);
  return { sent: figure('sent'), replies: figure('replies'), errors: figure('errors'), rate: /([\d,]+) requests\/s/.exec(stdout)?.[1] };
}

/**
 * A million KV_SET lines piped (16 in flight) to a server of their own; once the load is under way
 * (keys are arriving), `breakServer` stops it answering or kills it.
 */
async function loadThenBreak(options: string[], breakServer: (server: App) => unknown) {
  const server = await startApp();
  return runCli(['--pipe', '--pipe-window', '16', ...options, server.url], {
    input: Array.from({ length: 1_000_000 }, (_, i) => `{"KV_SET":{"keys":{"k${i}":${i}}}}`).join('\n'),
    timeoutMs: 120_000,
    started: () => {
      void (async () => {
        for (;;) {
          const count = await runCli(['--raw', server.url, 'KV_COUNT']);
          if (/"cnt":[1-9]/.test(count.stdout)) break;
        }
        await breakServer(server);
      })();
    },
  });
}

describe('--pipe', () => {
  it('reports a line larger than the server reads as an error of that line and goes on', async () => {
    const small = await startApp({ args: ['--max-payload', '1024'] });
    const big = 'x'.repeat(2000);
    const input = [
      `{"KV_SET":{"keys":{"pipeBefore":1}}}`,
      `{"KV_SET":{"keys":{"pipeBig":"${big}"}}}`,
      `{"KV_SET":{"keys":{"pipeAfter":2}}}`,
    ].join('\n');
    const result = await runCli(['--pipe', small.url], { input });
    expect(result.code).toBe(1);
    expect(summary(result.stdout)).toMatchObject({ sent: 3, replies: 2, errors: 1 });
    expect(result.stderr).toMatch(/line 2: request of 2034 bytes not sent: the server reads messages of up to 1024 bytes/);
    expect(result.stdout).not.toMatch(/connection lost/);
    const after = await runCli(['--raw', small.url, 'KV_GET', '{"keys":["pipeBefore","pipeBig","pipeAfter"]}']);
    expect(after.stdout).toContain('"keys":{"pipeBefore":1,"pipeAfter":2}');
  });

  it('sends every line pipelined and reports sent, replies by status, errors and requests/s', async () => {
    const n = 3000;
    const lines = Array.from({ length: n }, (_, i) => `{"KV_SET":{"keys":{"pipe${i}":${i}}}}`);
    const result = await runCli(['--pipe', '--pipe-window', '64', app.url], { input: `${lines.join('\n')}\n` });
    expect(result.code).toBe(0);
    expect(summary(result.stdout)).toMatchObject({ sent: n, replies: n, errors: 0 });
    expect(result.stdout).toContain(`(${n} × 1 Ok)`);
    expect(summary(result.stdout).rate).toMatch(/^[\d,]+$/);
    // Every write arrived, with its own value.
    const check = await runCli(['--raw', app.url, 'KV_GET', '{"keys":["pipe0","pipe1234","pipe2999"]}']);
    expect(check.stdout).toBe('{"KV_GET_RSP":{"keys":{"pipe0":0,"pipe1234":1234,"pipe2999":2999},"st":1}}\n');
  });

  it('gives the same result with window 1 and 7: every reply is matched to its line', async () => {
    for (const window of ['1', '7']) {
      const lines = Array.from({ length: 60 }, (_, i) =>
        i % 3 === 2 ? `SH_GET {"tkn":${i},"keys":[]}` : `KV_SET {"keys":{"w${window}_${i}":${i}}}`,
      );
      const result = await runCli(['--pipe', '--pipe-window', window, app.url], { input: lines.join('\n') });
      expect(result.code, result.stderr).toBe(0);
      expect(summary(result.stdout)).toMatchObject({ sent: 60, replies: 60, errors: 0 });
      expect(result.stdout).toContain('(40 × 1 Ok, 20 × 100 SessionNotExist)');
      // The failures are reported at the lines that caused them.
      expect(result.stderr).toContain('line 3: SH_GET answered 100 SessionNotExist');
      expect(result.stderr).toContain('line 6: SH_GET answered 100 SessionNotExist');
      const check = await runCli(['--raw', app.url, 'KV_GET', `{"keys":["w${window}_0","w${window}_58"]}`]);
      expect(check.stdout).toContain(`{"w${window}_0":0,"w${window}_58":58}`);
    }
  });

  it('fills in $tkn with the token returned by the lines before', async () => {
    const input = [
      'SH_NEW {}',
      'SH_SET {"tkn":$tkn,"keys":{"a":1}}',
      'SH_NEW {}',
      'SH_SET {"tkn":$tkn,"keys":{"b":2}}',
      'SH_CONTAINS {"tkn":$1,"keys":["a","b"]}',
    ].join('\n');
    const result = await runCli(['--pipe', app.url, '--fail-on-status'], { input });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(summary(result.stdout)).toMatchObject({ sent: 5, replies: 5, errors: 0 });
  });

  it('counts lines it cannot send as errors (with their line numbers) and exits 1', async () => {
    const input = ['KV_SET {"keys":{"ok":1}}', 'not a request', '{"KV_SET":', '', 'KV_NOPE {}', 'KV_GET {"keys":["ok"]}'].join('\n');
    const result = await runCli(['--pipe', app.url], { input });
    expect(result.code).toBe(1);
    expect(summary(result.stdout)).toMatchObject({ sent: 2, replies: 2, errors: 3 });
    expect(result.stderr).toMatch(/line 2: unknown command not/);
    expect(result.stderr).toMatch(/line 3: not JSON/);
    expect(result.stderr).toMatch(/line 5: unknown command KV_NOPE/);
    expect(result.stderr).not.toMatch(STACK_TRACE);
  });

  it('reports replies by status; --fail-on-status makes a failure status exit 1', async () => {
    const input = ['SH_GET {"tkn":1,"keys":["a"]}', 'SH_INFO_ALL', '{"SH_NOPE":{}}'].join('\n');
    const plain = await runCli(['--pipe', app.url], { input });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/1 × 100 SessionNotExist/);
    expect(plain.stdout).toMatch(/1 × 10 CommandNotExist/);
    expect(plain.stdout).toMatch(/1 × 1 Ok/);
    expect(plain.stderr).toContain('line 1: SH_GET answered 100 SessionNotExist');
    const strict = await runCli(['--pipe', '--fail-on-status', app.url], { input });
    expect(strict.code).toBe(1);
  });

  it('exits 3 when the server cannot be reached', async () => {
    const result = await runCli(['--pipe', 'ws://127.0.0.1:1'], { input: 'SH_INFO_ALL\n' });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('ECONNREFUSED');
  });

  it('ends the load when the server stops answering for --pipe-timeout (exit 3)', async () => {
    const result = await loadThenBreak(['--pipe-timeout', '1'], (stuck) => stuck.pause());
    expect(result.code, result.stdout + result.stderr).toBe(3);
    expect(result.stderr).toMatch(/no reply for 1 s with \d+ requests in flight \(--pipe-timeout\)/);
    expect(result.stdout).toMatch(/errors:\s+\d+ \(no reply for 1 s\)/);
    expect(result.stderr).not.toMatch(STACK_TRACE);
  });

  it('exits 3 when the server goes away during the load, saying so', async () => {
    const result = await loadThenBreak([], (doomed) => doomed.kill());
    expect(result.code, result.stdout + result.stderr).toBe(3);
    expect(result.stderr).toMatch(/connection to ws:\/\/127\.0\.0\.1:\d+\/ lost/);
    expect(result.stdout).toMatch(/errors:\s+\d+ \(connection lost\)/);
    expect(summary(result.stdout).sent).toBeLessThan(1_000_000);
    expect(result.stderr).not.toMatch(STACK_TRACE);
  });
});
