import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, stopAllApps, type App } from './app-server.test-util.js';
import { STACK_TRACE, runCli } from './cli-process.test-util.js';
import { secureAppFiles, type SecureAppFiles } from '@nemesisdb/test-utils';

const TOKEN = 'cli-tls-test-token-0123456789';
let files: SecureAppFiles;
let app: App;

beforeAll(async () => {
  files = secureAppFiles('nemesisdb-cli-tls-', TOKEN);
  app = await startApp({ args: [...files.tlsArgs, ...files.tokenArgs] });
});
afterAll(async () => {
  await stopAllApps();
  files?.remove();
});

describe('wss:// with a private CA and a token', () => {
  it('one-shot and --pipe connect with --ca and --token, integers exact', async () => {
    expect(app.url).toMatch(/^wss:\/\//);
    const ca = files.certFile;
    const set = await runCli(['--raw', '--ca', ca, '--token', TOKEN, app.url, 'KV_SET', '{"keys":{"tlsBig":18446744073709551615}}']);
    expect(set.stdout, set.stderr).toBe('{"KV_SET_RSP":{"st":1}}\n');
    const get = await runCli(['--raw', '--ca', ca, app.url, 'KV_GET', '{"keys":["tlsBig"]}'], { env: { NEMESISDB_TOKEN: TOKEN } });
    expect(get.stdout).toBe('{"KV_GET_RSP":{"keys":{"tlsBig":18446744073709551615},"st":1}}\n');
    const pipe = await runCli(['--pipe', '--ca', ca, '--token', TOKEN, app.url], { input: 'SH_NEW {}\nSH_INFO {"tkn":$tkn}\n' });
    expect(pipe.code).toBe(0);
    expect(pipe.stdout).toContain('(2 × 1 Ok)');
  });

  it('--stat reads /health and /metrics over https with the same CA and token', async () => {
    const result = await runCli(['--stat', '-n', '1', '--ca', files.certFile, '--token', TOKEN, app.url]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/sessions[\s\S]*\n\s+\d+\s+\d+\s+\d+\s+\d+\s+-\s+[\d.]+[KMG]\n$/);
  });

  it('without the CA, says which option fixes it (exit 3)', async () => {
    const result = await runCli(['--token', TOKEN, app.url, 'SV_INFO']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('--ca');
    expect(result.stderr).not.toMatch(STACK_TRACE);
    const stat = await runCli(['--stat', '-n', '1', '--token', TOKEN, app.url]);
    expect(stat.code).toBe(3);
    expect(stat.stderr).toContain('--ca');
  });

  it('without the token, says which option fixes it (exit 3), for commands and for --stat', async () => {
    const ca = files.certFile;
    const command = await runCli(['--ca', ca, app.url, 'SV_INFO']);
    expect(command.code).toBe(3);
    expect(command.stderr).toContain('--token');
    const stat = await runCli(['--stat', '-n', '1', '--ca', ca, app.url]);
    expect(stat.code).toBe(3);
    expect(stat.stderr).toContain('--token');
  });
});
