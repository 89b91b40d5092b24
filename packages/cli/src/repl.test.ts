import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApp, stopAllApps, type App } from './app-server.test-util.js';
import { STACK_TRACE, runCli } from './cli-process.test-util.js';
import { bodySkeleton } from './params.js';
import { Terminal, hasTmux } from './tmux.test-util.js';

/*
 * The REPL in a real terminal (tmux), against the real app. Without tmux the tests are skipped
 * locally and fail in CI (CI set), where .ci/run installs it.
 */
const tmux = hasTmux();
if (!tmux && process.env.CI) throw new Error('tmux is required in CI for the REPL tests (apt-get install -y tmux)');

let dir: string;
const terminals: Terminal[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nemesisdb-cli-repl-'));
});
afterEach(async () => {
  await Promise.all(terminals.splice(0).map((t) => t.close()));
  await stopAllApps();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let runs = 0;
async function repl(app: App | string, env: Record<string, string> = {}): Promise<Terminal> {
  const url = typeof app === 'string' ? app : app.url;
  const terminal = await Terminal.start([url], { NO_COLOR: '1', NEMESISDB_CLI_HISTORY: join(dir, `history-${++runs}`), ...env });
  terminals.push(terminal);
  return terminal;
}

/** The REPL on `app`, once it shows its prompt. */
async function replAtPrompt(app: App, env: Record<string, string> = {}): Promise<Terminal> {
  const terminal = await repl(app, env);
  await terminal.waitFor(prompt(app));
  return terminal;
}

/** A new app and the REPL on it, at its prompt. */
async function freshRepl(): Promise<{ app: App; t: Terminal }> {
  const app = await startApp();
  return { app, t: await replAtPrompt(app) };
}

/** `1 Ok` right after a colour escape (SGR). */
const COLOURED_OK = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m1 Ok`);

/** The prompt for an app: `127.0.0.1:PORT> `. */
function prompt(app: App): string {
  return `127.0.0.1:${app.port}> `;
}

describe.skipIf(!tmux)('the REPL in a terminal', () => {
  it('prompts with the address, runs a command and pretty-prints the reply with its status', async () => {
    const { t } = await freshRepl();
    await t.line('SH_INFO_ALL');
    const screen = await t.waitFor(/1 Ok {2}SH_INFO_ALL_RSP\n\{\n {2}"SH_INFO_ALL_RSP": \{\n/);
    expect(screen).toMatch(/"totalSessions": \d+/);
    await t.answer('SH_GET {"tkn":1,"keys":["a"]}', '100 SessionNotExist  SH_GET_RSP');
  });

  it('completes a command name with Tab and fills in its parameters; sending the skeleton works', async () => {
    const { app, t } = await freshRepl();
    // Tab completes only when it arrives on its own (readline treats a chunk with more as a
    // paste), so the text typed must be on the screen first.
    await t.type('KV_SE');
    await t.waitFor(`${prompt(app)}KV_SE`);
    await t.press('Tab');
    await t.waitFor(`${prompt(app)}KV_SET ${bodySkeleton('KV_SET')}`);
    await t.press('Enter');
    await t.waitFor('1 Ok  KV_SET_RSP');
    // Several candidates: the first Tab completes their common part, the second lists them.
    const from = await t.mark();
    await t.type('SH_CL');
    await t.waitFor(`${prompt(app)}SH_CL`);
    await t.press('Tab');
    await t.waitFor(`${prompt(app)}SH_CLEAR`);
    await t.press('Tab');
    await t.waitFor(/SH_CLEAR\s+SH_CLEAR_SET/, { from });
  });

  it('keeps history across runs in the file NEMESISDB_CLI_HISTORY names; Up recalls it', async () => {
    const app = await startApp();
    const file = join(dir, 'shared-history');
    const first = await replAtPrompt(app, { NEMESISDB_CLI_HISTORY: file });
    await first.answer('KV_SET {"keys":{"remembered":42}}', '1 Ok  KV_SET_RSP');
    await first.answer('exit', '[exit 0]');
    expect(readFileSync(file, 'utf8')).toBe('KV_SET {"keys":{"remembered":42}}\nexit\n');

    const second = await replAtPrompt(app, { NEMESISDB_CLI_HISTORY: file });
    await second.press('Up', 'Up');
    await second.waitFor(`${prompt(app)}KV_SET {"keys":{"remembered":42}}`);
    await second.press('Enter');
    await second.waitFor('1 Ok  KV_SET_RSP');
  });

  it('continues a request over several lines until its braces balance, and keeps it as one history entry', async () => {
    const app = await startApp();
    const file = join(dir, 'multi-line-history');
    const t = await replAtPrompt(app, { NEMESISDB_CLI_HISTORY: file });
    await t.answer('KV_SET {"keys":{', '... ');
    await t.line('"multi": [1,');
    await t.answer('2, 3]}}', '1 Ok  KV_SET_RSP');
    await t.answer('KV_GET {"keys":["multi"]}', '"multi": [1, 2, 3]');
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('KV_SET {"keys":{ "multi": [1, 2, 3]}}');
    // Up brings back the whole entry at once.
    const from = await t.mark();
    await t.press('Up', 'Up');
    await t.waitFor('KV_SET {"keys":{ "multi": [1, 2, 3]}}', { from });
  });

  it('$tkn is the last token returned, $1, $2 each token by number, exact to 64 bits', async () => {
    const { app, t } = await freshRepl();
    await t.line('SH_NEW {}');
    const first = /tkn → \$tkn, \$1\n[\s\S]*?"tkn": (\d+)/.exec(await t.waitFor(/tkn → \$tkn, \$1\n[\s\S]*"tkn": \d+/))![1]!;
    await t.line('SH_NEW {}');
    const second = /tkn → \$tkn, \$2\n[\s\S]*?"tkn": (\d+)/.exec(await t.waitFor(/tkn → \$tkn, \$2\n[\s\S]*"tkn": \d+/))![1]!;
    expect(first).not.toBe(second);
    await t.answer('SH_SET {"tkn":$1,"keys":{"who":"first"}}', '1 Ok  SH_SET_RSP');
    await t.answer('SH_SET {"tkn":$tkn,"keys":{"who":"second"}}', /1 Ok {2}SH_SET_RSP[\s\S]*1 Ok {2}SH_SET_RSP/);
    let from = await t.mark();
    await t.answer('SH_GET {"tkn":"$1","keys":["who"]}', '"who": "first"', { from });
    from = await t.mark();
    await t.answer('tokens', `$1  ${first}\n$2 $tkn  ${second}`, { from });
    // The tokens the REPL shows are the server's, digit for digit.
    const check = await runCli(['--raw', app.url, 'SH_EXISTS', `{"tkns":[${first},${second}]}`]);
    expect(check.stdout).toContain(`"exist":[${first},${second}]`);
    from = await t.mark();
    await t.answer('SH_GET {"tkn":$9,"keys":[]}', '$9: no such token', { from });
  });

  it('reconnects when the server comes back on the same port', async () => {
    const { app, t } = await freshRepl();
    await t.answer('KV_SET {"keys":{"before":1}}', '1 Ok  KV_SET_RSP');
    await app.stop();
    await t.waitFor(/connection to ws:\/\/127\.0\.0\.1:\d+\/ lost \(close code 1001\); reconnecting…/);
    let from = await t.mark();
    await t.answer('SH_INFO_ALL', 'not connected', { from });
    const again = await startApp({ port: app.port });
    await t.waitFor(`reconnected to ${again.url}`);
    from = await t.mark();
    await t.answer('SH_INFO_ALL', '1 Ok  SH_INFO_ALL_RSP', { from });
    expect(await t.screen()).not.toMatch(STACK_TRACE);
  });

  it('explains bad input and a server that closes mid-request, never with a stack trace', async () => {
    const { app, t } = await freshRepl();
    await t.answer('SH_NEW {"expiry":{"duration":6o}}', 'the body of SH_NEW is not JSON: expected');
    await t.answer('SH_NWE {}', 'unknown command SH_NWE — did you mean SH_NEW');
    await t.answer('[1,2]', 'cannot read "[1,2]"');
    await t.line('{"SH_NOPE":{}}'); // a whole request goes out: the server's answer is the lesson
    await t.waitFor('10 CommandNotExist  SH_NOPE_RSP');
    await t.answer('help SH_NEWW', 'no command SH_NEWW — did you mean SH_NEW');
    // The server stops answering with a request in flight, then dies.
    app.pause();
    await t.line('SH_INFO_ALL');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await app.kill();
    await t.waitFor(/connection to ws:\/\/127\.0\.0\.1:\d+\/ lost \(close code 1006\).*may have been executed/);
    const screen = await t.screen();
    expect(screen).not.toMatch(STACK_TRACE);
    expect(screen).not.toContain('Error:');
    // Still at the prompt, and Ctrl-D leaves.
    await t.press('C-d');
    await t.waitFor('[exit 0]');
  });

  it('Ctrl-C stops waiting for a reply that does not come, and the prompt stays usable', async () => {
    const { app, t } = await freshRepl();
    app.pause();
    await t.line('SH_INFO_ALL');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await t.press('C-c');
    await t.waitFor('interrupted: the request may still run on the server');
    await t.waitFor(`dropped)\n${prompt(app)}`);
    // The server wakes: the stale reply is dropped, the next command gets its own.
    app.resume();
    const from = await t.mark();
    await t.answer('SV_INFO', '1 Ok  SV_INFO_RSP', { from });
    expect(await t.screen()).not.toMatch(STACK_TRACE);
  });

  it('starts without a server, says so, and connects when a command is typed once it is up', async () => {
    const placeholder = await startApp();
    const port = placeholder.port;
    await placeholder.stop();
    const t = await repl(`ws://127.0.0.1:${port}`);
    await t.waitFor(`127.0.0.1:${port} (not connected)> `);
    expect(await t.screen()).toContain('ECONNREFUSED');
    await startApp({ port });
    await t.answer('SV_INFO', '1 Ok  SV_INFO_RSP');
    await t.waitFor(`127.0.0.1:${port}> `);
  });

  it('shows help generated from the schemas and the docs', async () => {
    const { t } = await freshRepl();
    await t.answer('help', /SH_NEW\s+create a session/);
    await t.answer('help SH_NEW', /expiry\.duration\s+uint\s+required/);
    await t.waitFor('41 ValueTypeInvalid');
  });

  it('colours the status on a terminal, and not with NO_COLOR', async () => {
    const app = await startApp();
    const coloured = await Terminal.start([app.url], { NEMESISDB_CLI_HISTORY: '' });
    terminals.push(coloured);
    await coloured.waitFor(prompt(app));
    await coloured.answer('SH_INFO_ALL', 'SH_INFO_ALL_RSP');
    expect(await coloured.screen(true)).toMatch(COLOURED_OK);
    const plain = await replAtPrompt(app);
    await plain.answer('SH_INFO_ALL', '1 Ok  SH_INFO_ALL_RSP');
    expect(await plain.screen(true)).not.toMatch(COLOURED_OK);
  });
});

describe('the REPL reading a script from stdin', () => {
  it('runs each line in order without a prompt, with $tkn', async () => {
    const app = await startApp();
    const script = ['SH_NEW {}', 'SH_SET {"tkn":$tkn,"keys":{"a":1}}', 'SH_GET {"tkn":$tkn,"keys":["a"]}', ''].join('\n');
    const result = await runCli([app.url], { input: script });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('"a": 1');
    expect(result.stdout).not.toContain('> ');
  });

  it('exits 2 after input it cannot send, and 3 without a server', async () => {
    const app = await startApp();
    expect((await runCli([app.url], { input: 'SH_NEW {\n' })).code).toBe(2);
    expect((await runCli(['ws://127.0.0.1:1'], { input: 'SH_INFO_ALL\n' })).code).toBe(3);
  });

  it('says a request is larger than the server reads, runs the next lines, and exits 2', async () => {
    const small = await startApp({ args: ['--max-payload', '1024'] });
    const script = [`KV_SET {"keys":{"replBig":"${'x'.repeat(2000)}"}}`, 'KV_SET {"keys":{"replAfter":1}}', 'KV_COUNT', ''].join('\n');
    const result = await runCli([small.url], { input: script });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/request of \d+ bytes not sent: the server reads messages of up to 1024 bytes/);
    expect(result.stdout).toContain('"cnt": 1');
  });
});
