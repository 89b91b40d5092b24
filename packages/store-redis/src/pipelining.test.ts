// Requests of one connection on one session, several in flight at once (the server's pipelining,
// Engine.executeAfter): on the cluster they must take effect in request order, each one atomic,
// exactly as if every request had waited for the previous reply.
import { isPromise } from '@nemesisdb/engine/internal';
import { startServer } from '@nemesisdb/server';
import { expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { closeAfterTest, describeWithRedis, harness, newStore } from './testing/harness.test-util.js';

describeWithRedis('pipelined requests on one session', (seeds) => {
  it('the store says it keeps one session’s order', () => {
    const store = closeAfterTest(newStore(seeds()));
    expect(store.pipelinesSessions).toBe(true);
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

  it('refuses what it cannot order: another session, SH_NEW, cluster-wide and KV commands, bad JSON', async () => {
    const h = harness(closeAfterTest(newStore(seeds())));
    const a = await h.session();
    const b = await h.session();
    const pending = h.engine.execute(`{"SH_SET":{"tkn":${a},"keys":{"k":1}}}`);
    const key = h.engine.pipelineKey;
    for (const text of [
      `{"SH_GET":{"tkn":${b},"keys":["k"]}}`,
      '{"SH_NEW":{}}',
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
