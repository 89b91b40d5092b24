import { decode } from '@nemesisdb/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, stopAllApps, type App } from './app-server.test-util.js';
import { STACK_TRACE, runCli } from './cli-process.test-util.js';

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(stopAllApps);

const MAX_U64 = '18446744073709551615';

describe('one-shot: nemesisdb-cli [-u url] COMMAND [body]', () => {
  it('refuses a request larger than the server reads, unsent, and exits 2', async () => {
    const small = await startApp({ args: ['--max-payload', '1024'] });
    const result = await runCli([small.url, 'KV_SET', `{"keys":{"big":"${'x'.repeat(2000)}"}}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/request of \d+ bytes not sent: the server reads messages of up to 1024 bytes/);
    expect(result.stderr).not.toMatch(STACK_TRACE);
  });

  it('prints the reply as JSON with the exact 64-bit token and exits 0', async () => {
    const result = await runCli(['-u', app.url, 'SH_NEW', '{"expiry":{"duration":60,"deleteSession":true}}']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const reply = decode(result.stdout) as { SH_NEW_RSP: { st: number; tkn: bigint | number } };
    expect(reply.SH_NEW_RSP.st).toBe(1);
    const token = /"tkn": (\d+)/.exec(result.stdout)![1]!;
    // The printed digits are the token itself: asking with them finds the session.
    const info = await runCli(['--raw', app.url, 'SH_INFO', `{"tkn":${token}}`]);
    expect(info.stdout).toContain(`"tkn":${token}`);
    expect(info.stdout).toContain('"st":1');
  });

  it('--raw prints the reply exactly as received, on one line', async () => {
    await runCli(['-u', app.url, 'KV_SET', `{"keys":{"oneShotBig":${MAX_U64},"oneShotDouble":60.0}}`]);
    const result = await runCli(['-u', app.url, '--raw', 'KV_GET', '{"keys":["oneShotBig","oneShotDouble"]}']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`{"KV_GET_RSP":{"keys":{"oneShotBig":${MAX_U64},"oneShotDouble":60.0},"st":1}}\n`);
  });

  it('takes a bare name, a whole request, and a host:port argument', async () => {
    const bare = await runCli(['--raw', `127.0.0.1:${app.port}`, 'SH_INFO_ALL']);
    expect(bare.stdout).toMatch(/^\{"SH_INFO_ALL_RSP":\{.*"st":1.*\}\}\n$/);
    const whole = await runCli(['--raw', app.url, '{"KV_COUNT":{}}']);
    expect(whole.stdout).toMatch(/^\{"KV_COUNT_RSP":\{"cnt":\d+,"st":1\}\}\n$/);
  });

  it('takes the server from NEMESISDB_URL', async () => {
    const result = await runCli(['--raw', 'SV_INFO'], { env: { NEMESISDB_URL: app.url } });
    expect(result.stdout).toContain('"SV_INFO_RSP"');
  });

  it('exits 0 on a failure status, and 1 with --fail-on-status, naming the status', async () => {
    const plain = await runCli([app.url, 'SH_GET', '{"tkn":1,"keys":["a"]}']);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('"st": 100');
    const strict = await runCli([app.url, '--fail-on-status', 'SH_GET', '{"tkn":1,"keys":["a"]}']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('SH_GET answered 100 SessionNotExist');
    const ok = await runCli([app.url, '--fail-on-status', 'SH_INFO_ALL']);
    expect(ok.code).toBe(0);
  });

  it('exits 3 when the server cannot be reached, with a message and no stack trace', async () => {
    const result = await runCli(['-u', 'ws://127.0.0.1:1', 'SH_INFO_ALL']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/could not connect to ws:\/\/127\.0\.0\.1:1\/.*ECONNREFUSED.*is the server running/);
    expect(result.stderr).not.toMatch(STACK_TRACE);
    expect(result.stdout).toBe('');
  });

  it('exits 2 for input that is not JSON or an unknown command, without sending it', async () => {
    const notJson = await runCli([app.url, 'SH_NEW', '{"expiry":']);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('not JSON');
    const unknown = await runCli([app.url, 'SH_NWE']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command SH_NWE — did you mean SH_NEW');
    for (const run of [notJson, unknown]) expect(run.stderr).not.toMatch(STACK_TRACE);
  });

  it('exits 2 for bad options and addresses', async () => {
    expect((await runCli(['--no-such-option'])).code).toBe(2);
    const badUrl = await runCli(['-u', 'http://127.0.0.1:1987', 'SV_INFO']);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('ws:// or wss://');
    expect((await runCli(['--ca', '/nonexistent/ca.pem', app.url, 'SV_INFO'])).stderr).toContain('cannot read the CA certificate');
  });

  it("shows a command's help without a server", async () => {
    const result = await runCli(['-u', 'ws://127.0.0.1:1', 'help', 'SH_SET']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('SH_SET — store keys in a session, overwriting');
    expect(result.stdout).toContain('Statuses');
  });

  it('prints --version and --help', async () => {
    expect((await runCli(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: nemesisdb-cli');
    expect(help.stdout).toContain('--pipe');
  });

  it('colours only on a terminal or when forced, never with NO_COLOR', async () => {
    const plain = await runCli([app.url, 'SH_INFO_ALL']);
    expect(plain.stdout).not.toContain('\x1b[');
    const forced = await runCli([app.url, 'SH_INFO_ALL'], { env: { FORCE_COLOR: '1' } });
    expect(forced.stdout).toContain('\x1b[');
    const off = await runCli([app.url, 'SH_INFO_ALL'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(off.stdout).not.toContain('\x1b[');
  });
});

describe('a server that requires a token', () => {
  it('is refused without --token (exit 3, with a hint) and answered with it', async () => {
    const token = 'cli-test-token-0123456789';
    const secured = await startApp({ env: { NEMESISDB_AUTH_TOKEN: token } });
    const refused = await runCli([secured.url, 'SV_INFO']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('--token');
    const flag = await runCli(['--raw', '--token', token, secured.url, 'SV_INFO']);
    expect(flag.stdout).toContain('"SV_INFO_RSP"');
    const env = await runCli(['--raw', secured.url, 'SV_INFO'], { env: { NEMESISDB_TOKEN: token } });
    expect(env.stdout).toContain('"SV_INFO_RSP"');
    await secured.stop();
  });
});

describe('a server that dies before answering', () => {
  it('exits 3 with a message, no stack trace', async () => {
    const doomed = await startApp();
    doomed.pause(); // accepts the connection (the kernel does), never answers
    const result = await runCli([doomed.url, '--connect-timeout', '15000', 'SH_INFO_ALL'], {
      started: () => setTimeout(() => void doomed.kill(), 1500),
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/could not connect|lost/);
    expect(result.stderr).not.toMatch(STACK_TRACE);
  });
});
