// The extensions switch on the running app: shared sessions and SH_SET_EXPIRY by default, strict
// v0.7.4 answers with --no-extensions (SH_OPEN and SH_SET_EXPIRY unknown, `shared` ignored).
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { resolveConfig } from './config.js';
import { createLogger } from './logging.js';
import { run, type Running } from './main.js';

const running: Running[] = [];
const clients: WebSocket[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.terminate();
  await Promise.all(running.splice(0).map((server) => server.stop({ timeoutMs: 500 })));
});

async function serve(argv: string[]) {
  const result = resolveConfig({ argv: ['--host', '127.0.0.1', '--port', '0', '--log-level', 'silent', ...argv], env: {} });
  if (result.kind !== 'config') throw new Error(JSON.stringify(result));
  const server = await run(result.config, createLogger({ level: 'silent', pretty: false }));
  running.push(server);
  const ws = new WebSocket(server.server.url);
  clients.push(ws);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return (text: string) =>
    new Promise<string>((resolve) => {
      ws.once('message', (data) => resolve(String(data)));
      ws.send(text);
    });
}

/** A reply as an object, its tokens as digit strings (most exceed 2^53). */
function parsed(text: string): unknown {
  return JSON.parse(text.replace(/"tkn":(\d+)/g, '"tkn":"$1"'));
}

describe('extensions', () => {
  it('are on by default: a shared session is opened by name', async () => {
    const request = await serve([]);
    const created = await request('{"SH_NEW":{"name":"settings","shared":true}}');
    const tkn = /"tkn":(\d+)/.exec(created)?.[1];
    expect(created).toBe(`{"SH_NEW_RSP":{"name":"settings","st":1,"tkn":${tkn}}}`);
    expect(await request('{"SH_OPEN":{"name":"settings"}}')).toBe(`{"SH_OPEN_RSP":{"st":1,"tkn":${tkn}}}`);
  });

  it('are on by default: SH_SET_EXPIRY gives a live session new expiry settings, same token and keys', async () => {
    const request = await serve([]);
    const tkn = /"tkn":(\d+)/.exec(await request('{"SH_NEW":{"expiry":{"duration":60,"deleteSession":true}}}'))?.[1];
    expect(await request(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`)).toBe('{"SH_SET_RSP":{"st":1}}');
    expect(await request(`{"SH_SET_EXPIRY":{"tkn":${tkn},"expiry":{"duration":3600,"extendOnGet":true}}}`)).toBe(
      `{"SH_SET_EXPIRY_RSP":{"st":1,"tkn":${tkn}}}`,
    );
    expect(parsed(await request(`{"SH_INFO":{"tkn":${tkn}}}`))).toMatchObject({
      SH_INFO_RSP: {
        expires: true,
        expiry: { deleteSession: false, duration: 3600, extendOnGet: true, extendOnSetAdd: false },
        keyCnt: 1,
        st: 1,
        tkn,
      },
    });
    expect(await request('{"SH_SET_EXPIRY":{"tkn":12345,"expiry":{"duration":60}}}')).toBe('{"SH_SET_EXPIRY_RSP":{"st":100,"tkn":12345}}');
  });

  it('--no-extensions answers as v0.7.4: SH_OPEN is unknown and shared is ignored', async () => {
    const request = await serve(['--no-extensions']);
    expect(await request('{"SH_OPEN":{"name":"settings"}}')).toBe('{"SH_OPEN_RSP":{"m":"","st":10,"tkn":null}}');
    const created = await request('{"SH_NEW":{"name":"settings","shared":true}}');
    expect(created).toMatch(/^\{"SH_NEW_RSP":\{"st":1,"tkn":\d+\}\}$/);
    const tkn = /"tkn":(\d+)/.exec(created)?.[1];
    expect(await request(`{"SH_INFO":{"tkn":${tkn}}}`)).toBe(
      `{"SH_INFO_RSP":{"expires":false,"keyCnt":0,"shared":false,"st":1,"tkn":${tkn}}}`,
    );
  });

  it('--no-extensions answers as v0.7.4: SH_SET_EXPIRY is unknown, whatever its body, and changes nothing', async () => {
    const request = await serve(['--no-extensions']);
    const tkn = /"tkn":(\d+)/.exec(await request('{"SH_NEW":{"expiry":{"duration":60,"deleteSession":true}}}'))?.[1];
    for (const body of [`{"tkn":${tkn},"expiry":{"duration":0}}`, '{}', '{"expiry":5}', '{"tkn":-1}']) {
      expect(await request(`{"SH_SET_EXPIRY":${body}}`), body).toBe('{"SH_SET_EXPIRY_RSP":{"m":"","st":10,"tkn":null}}');
    }
    expect(parsed(await request(`{"SH_INFO":{"tkn":${tkn}}}`))).toMatchObject({
      SH_INFO_RSP: { expires: true, expiry: { deleteSession: true, duration: 60 } },
    });
  });
});
