// Requests of one connection, several in flight at once (the server's pipelining,
// Engine.executeAfter): on the cluster those on one session must take effect in request order,
// each one atomic, exactly as if every request had waited for the previous reply; those on other
// sessions run beside them unless the store is set to keep the connection's order.
import { isPromise } from '@nemesisdb/engine/internal';
import { startServer } from '@nemesisdb/server';
import { expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { closeAfterTest, describeWithRedis, harness, newStore } from './testing/harness.test-util.js';

describeWithRedis('pipelined requests', (seeds) => {
  it('the store says it keeps one session’s order, and runs other sessions beside it unless told to keep the connection’s', () => {
    const store = closeAfterTest(newStore(seeds()));
    expect(store.pipelinesSessions).toBe(true);
    expect(store.pipelinesAcrossSessions).toBe(true);
    expect(closeAfterTest(newStore(seeds(), { ordering: 'connection' })).pipelinesAcrossSessions).toBe(false);
    expect(() => newStore(seeds(), { ordering: 'strict' as never })).toThrow('ordering must be "session" or "connection"');
  });

  it('take effect in request order: every SH_GET sees the SH_SET just before it, never a later one', async () => {
    const h = harness(closeAfterTest(newStore(seeds())));
    const tkn = await h.session();
    const first = h.engine.execute(`{"SH_SET":{"tkn":${tkn},"keys":{"k":-1}}}`);
    expect(isPromise(first)).toBe(true);
    const key = h.engine.pipelineKey;
    expect(key).not.toBeNull();
    const replies: Promise<string>[] = [first as Promise<string>];
    for (let i = 0; i < 300; i++) {
      const text = i % 2 === 0 ? `{"SH_SET":{"tkn":${tkn},"keys":{"k":${i}}}}` : `{"SH_GET":{"tkn":${tkn},"keys":["k"]}}`;
      const reply = h.engine.executeAfter(text, key);
      expect(reply).not.toBeNull(); // all issued before any reply came back
      replies.push(Promise.resolve(reply!));
    }
    const texts = await Promise.all(replies);
    for (let i = 1; i < 300; i += 2) expect(texts[i + 1]).toBe(`{"SH_GET_RSP":{"keys":{"k":${i - 1}},"st":1}}`);
  });

  it('many sessions at once: each SH_GET sees the SH_SET just before it on its session; new sessions start beside them', async () => {
    const h = harness(closeAfterTest(newStore(seeds())));
    const tokens = await Promise.all(Array.from({ length: 8 }, () => h.session()));
    const first = h.engine.execute(`{"SH_SET":{"tkn":${tokens[0]},"keys":{"k":-1}}}`);
    const key = h.engine.pipelineKey;
    const replies: Promise<string>[] = [first as Promise<string>];
    const expected: (string | RegExp)[] = ['{"SH_SET_RSP":{"st":1}}'];
    const last = new Map<string, number>([[tokens[0]!, -1]]);
    for (let i = 0; i < 400; i++) {
      const tkn = tokens[(i * 5) % tokens.length]!;
      let text: string;
      if (i % 25 === 24) {
        text = '{"SH_NEW":{}}';
        expected.push(/^\{"SH_NEW_RSP":\{"st":1,"tkn":\d+\}\}$/);
      } else if (i % 3 === 0 || !last.has(tkn)) {
        text = `{"SH_SET":{"tkn":${tkn},"keys":{"k":${i}}}}`;
        last.set(tkn, i);
        expected.push('{"SH_SET_RSP":{"st":1}}');
      } else {
        text = `{"SH_GET":{"tkn":${tkn},"keys":["k"]}}`;
        expected.push(`{"SH_GET_RSP":{"keys":{"k":${last.get(tkn)}},"st":1}}`);
      }
      const reply = h.engine.executeAfter(text, key);
      expect(reply, text).not.toBeNull(); // all issued before any reply came back
      replies.push(Promise.resolve(reply!));
    }
    const texts = await Promise.all(replies);
    texts.forEach((text, i) => (typeof expected[i] === 'string' ? expect(text).toBe(expected[i]) : expect(text).toMatch(expected[i]!)));
  });

  it('with ordering "connection", refuses a request on another session and SH_NEW: they wait for the replies', async () => {
    const h = harness(closeAfterTest(newStore(seeds(), { ordering: 'connection' })));
    const a = await h.session();
    const b = await h.session();
    const pending = h.engine.execute(`{"SH_SET":{"tkn":${a},"keys":{"k":1}}}`);
    const key = h.engine.pipelineKey;
    for (const text of [`{"SH_GET":{"tkn":${b},"keys":["k"]}}`, '{"SH_NEW":{}}']) expect(h.engine.executeAfter(text, key), text).toBeNull();
    expect(h.engine.executeAfter(`{"SH_GET":{"tkn":${a},"keys":["k"]}}`, key)).not.toBeNull();
    await pending;
  });

  it('refuses what it cannot order: a shared SH_NEW, a command of several steps or over many sessions, KV commands, bad JSON', async () => {
    const h = harness(closeAfterTest(newStore(seeds())));
    const a = await h.session();
    const pending = h.engine.execute(`{"SH_SET":{"tkn":${a},"keys":{"k":1}}}`);
    const key = h.engine.pipelineKey;
    for (const text of [
      '{"SH_NEW":{"name":"n","shared":true}}',
      '{"SH_OPEN":{"name":"n"}}',
      `{"SH_EXISTS":{"tkns":[${a}]}}`,
      `{"SH_END":{"tkn":${a}}}`,
      `{"SH_CLEAR_SET":{"tkn":${a},"keys":{"k":2}}}`,
      '{"SH_INFO_ALL":{}}',
      '{"KV_GET":{"keys":["k"]}}',
      `{"SH_GET":{"tkn":"${a}","keys":["k"]}}`,
      '{"SH_GET":',
    ]) {
      expect(h.engine.executeAfter(text, key), text).toBeNull();
    }
    await pending;
  });

  it('through the server: a connection sending 400 requests at once on its session gets every reply in order', async () => {
    const store = closeAfterTest(newStore(seeds()));
    const h = harness(store);
    const server = await startServer({ engine: h.engine, host: '127.0.0.1', port: 0 });
    try {
      const ws = new WebSocket(server.url);
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const replies: string[] = [];
      ws.on('message', (data) => replies.push(String(data)));
      const ask = (text: string, count: number) =>
        new Promise<void>((resolve) => {
          const check = setInterval(() => {
            if (replies.length >= count) {
              clearInterval(check);
              resolve();
            }
          }, 5);
          ws.send(text);
        });
      await ask('{"SH_NEW":{}}', 1);
      const tkn = /"tkn":(\d+)/.exec(replies[0]!)![1]!;
      const other = await h.session();
      const N = 400;
      const started = performance.now();
      for (let i = 0; i < N; i++) {
        // Mostly the connection's session (pipelined), now and then another one (waits its turn).
        const text =
          i % 50 === 49
            ? `{"SH_SET":{"tkn":${other},"keys":{"seen":${i}}}}`
            : i % 2 === 0
              ? `{"SH_SET":{"tkn":${tkn},"keys":{"k":${i}}}}`
              : `{"SH_GET":{"tkn":${tkn},"keys":["k"]}}`;
        ws.send(text);
      }
      await ask(`{"SH_GET":{"tkn":${other},"keys":["seen"]}}`, N + 2);
      const elapsed = performance.now() - started;
      for (let i = 0; i < N; i++) {
        const reply = replies[i + 1]!;
        if (i % 50 === 49) expect(reply).toBe('{"SH_SET_RSP":{"st":1}}');
        else if (i % 2 === 0) expect(reply).toBe('{"SH_SET_RSP":{"st":1}}');
        else expect(reply).toBe(`{"SH_GET_RSP":{"keys":{"k":${i - 1}},"st":1}}`);
      }
      expect(replies[N + 1]).toBe(`{"SH_GET_RSP":{"keys":{"seen":${N - 1}},"st":1}}`);
      ws.close();
      // Not a timing assertion: the figure is for the log (one round trip each would take ~N × RTT).
      console.log(`${N} requests on one session, pipelined: ${elapsed.toFixed(0)} ms`);
    } finally {
      await server.close({ timeoutMs: 1000 });
    }
  });
});
