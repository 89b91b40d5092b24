// The connection with a store whose calls answer later and out of order but take effect in the
// order they are made (as a Redis Cluster does per session): requests on the session in flight
// start at once (on a store that pipelines across sessions, requests on any session and new
// sessions too), everything else waits its turn, and the replies leave in request order.
import { Engine, MemoryStore, type DataStore } from '@nemesisdb/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startServer, type NemesisServer } from './server.js';

interface Stats {
  maxInFlight: number;
  /** Calls started while a call on another session (or a KV call) was in flight. */
  overlaps: number;
  /** …of which involving a call that is neither on one session nor creating an unshared one. */
  unorderedOverlaps: number;
}

/** A call on one session (its token) or creating an unshared session: what may run beside others. */
const sessionCall = (subject: string) => /^\d+$/.test(subject) || subject === 'sessions.create';

/** MemoryStore's calls, applied at once, answered after a random delay (so out of order). */
function laggingStore(stats: Stats, pipelinesAcrossSessions = false): DataStore {
  const memory = new MemoryStore();
  let inFlight = 0;
  const bySubject = new Map<string, number>();
  const lag = <T extends object>(target: T, family: string): T =>
    new Proxy(target, {
      get(object, name, receiver) {
        const value: unknown = Reflect.get(object, name, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const subject =
            family === 'sessions' && (typeof args[0] === 'bigint' || typeof args[0] === 'number')
              ? String(args[0])
              : `${family}.${String(name)}`;
          for (const [other, count] of bySubject) {
            if (other === subject || count === 0) continue;
            stats.overlaps++;
            if (!sessionCall(subject) || !sessionCall(other)) stats.unorderedOverlaps++;
          }
          bySubject.set(subject, (bySubject.get(subject) ?? 0) + 1);
          const result: unknown = (value as (...a: unknown[]) => unknown).apply(object, args);
          stats.maxInFlight = Math.max(stats.maxInFlight, ++inFlight);
          return new Promise((resolve) =>
            setTimeout(() => {
              inFlight--;
              bySubject.set(subject, bySubject.get(subject)! - 1);
              resolve(result);
            }, Math.random() * 4),
          );
        };
      },
    });
  return {
    sessions: lag(memory.sessions, 'sessions'),
    kv: lag(memory.kv, 'kv'),
    close: () => memory.close(),
    stats: () => memory.stats(),
    pipelinesSessions: true,
    pipelinesAcrossSessions,
  };
}

const running: NemesisServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close({ timeoutMs: 500 })));
});

async function connect(url: string) {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const replies: string[] = [];
  ws.on('message', (data) => replies.push(String(data)));
  const until = async (count: number) => {
    const deadline = Date.now() + 10_000;
    while (replies.length < count) {
      if (Date.now() > deadline) throw new Error(`${replies.length} of ${count} replies`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  return { ws, replies, until };
}

/** A server on a lagging store, a client on it, and `sessions` new sessions' tokens (the replies then cleared). */
async function laggingServerWith(sessions: number, pipelinesAcrossSessions = false) {
  const stats: Stats = { maxInFlight: 0, overlaps: 0, unorderedOverlaps: 0 };
  const store = laggingStore(stats, pipelinesAcrossSessions);
  const server = await startServer({ engine: new Engine({ store }), host: '127.0.0.1', port: 0 });
  running.push(server);
  const c = await connect(server.url);
  for (let i = 0; i < sessions; i++) c.ws.send('{"SH_NEW":{}}');
  await c.until(sessions);
  const tokens = c.replies.map((reply) => /"tkn":(\d+)/.exec(reply)![1]!);
  c.replies.length = 0;
  return { stats, c, tokens };
}

describe('pipelining on a store that orders one session’s calls', () => {
  it('answers a burst mixing the session in flight, another session, KV, binary and bad input in request order, each as if alone', async () => {
    const {
      stats,
      c,
      tokens: [a, b],
    } = await laggingServerWith(2);
    const expected: string[] = [];
    let valueA = 0;
    for (let i = 0; i < 400; i++) {
      const kind = i % 10;
      if (kind === 3) {
        c.ws.send(`{"SH_SET":{"tkn":${b},"keys":{"k":${i}}}}`);
        expected.push('{"SH_SET_RSP":{"st":1}}');
      } else if (kind === 5) {
        c.ws.send(`{"KV_SET":{"keys":{"last":${i}}}}`);
        expected.push('{"KV_SET_RSP":{"st":1}}');
      } else if (kind === 7) {
        c.ws.send(Buffer.from([1, 2, 3]));
        expected.push('{"ERR":{"m":"","st":2}}');
      } else if (kind === 9) {
        c.ws.send(`{"SH_GET":{"tkn":${a},"keys":`);
        expected.push('{"ERR":{"m":"","st":3}}');
      } else if (kind % 2 === 0) {
        valueA = i;
        c.ws.send(`{"SH_SET":{"tkn":${a},"keys":{"k":${i}}}}`);
        expected.push('{"SH_SET_RSP":{"st":1}}');
      } else {
        c.ws.send(`{"SH_GET":{"tkn":${a},"keys":["k"]}}`);
        expected.push(`{"SH_GET_RSP":{"keys":{"k":${valueA}},"st":1}}`);
      }
    }
    await c.until(expected.length);
    expect(c.replies).toEqual(expected);
    // Several requests were in flight at once: the pipelining happened.
    expect(stats.maxInFlight).toBeGreaterThan(1);
    // …and only ever on one session at a time: calls on two sessions could run in either order.
    expect(stats.overlaps).toBe(0);
    c.ws.close();
  });

  it('holds a request on another session until the ones in flight are answered (it may depend on them)', async () => {
    const {
      stats,
      c,
      tokens: [a],
    } = await laggingServerWith(1);
    stats.maxInFlight = 0;
    // SH_END then SH_EXISTS (a list: not session-scoped): the second must see the end.
    for (let i = 0; i < 50; i++) c.ws.send(`{"SH_SET":{"tkn":${a},"keys":{"k":${i}}}}`);
    c.ws.send(`{"SH_END":{"tkn":${a}}}`);
    c.ws.send(`{"SH_EXISTS":{"tkns":[${a}]}}`);
    await c.until(52);
    expect(c.replies[50]).toBe(`{"SH_END_RSP":{"st":1,"tkn":${a}}}`);
    expect(c.replies[51]).toBe('{"SH_EXISTS_RSP":{"exist":[],"st":1}}');
    c.ws.close();
  });

  it('across sessions: requests on many sessions and SH_NEW run side by side, each session in order, replies in request order; KV waits', async () => {
    const { stats, c, tokens } = await laggingServerWith(6, true);
    stats.maxInFlight = 0;
    stats.overlaps = 0;
    const expected: (string | RegExp)[] = [];
    const last = new Map<string, number>();
    for (let i = 0; i < 600; i++) {
      const tkn = tokens[(i * 7) % tokens.length]!;
      if (i % 40 === 39) {
        c.ws.send(`{"KV_SET":{"keys":{"last":${i}}}}`);
        expected.push('{"KV_SET_RSP":{"st":1}}');
      } else if (i % 20 === 9) {
        c.ws.send('{"SH_NEW":{}}');
        expected.push(/^\{"SH_NEW_RSP":\{"st":1,"tkn":\d+\}\}$/);
      } else if (i % 2 === 0 || !last.has(tkn)) {
        c.ws.send(`{"SH_SET":{"tkn":${tkn},"keys":{"k":${i}}}}`);
        last.set(tkn, i);
        expected.push('{"SH_SET_RSP":{"st":1}}');
      } else {
        c.ws.send(`{"SH_GET":{"tkn":${tkn},"keys":["k"]}}`);
        expected.push(`{"SH_GET_RSP":{"keys":{"k":${last.get(tkn)}},"st":1}}`);
      }
    }
    await c.until(expected.length);
    c.replies.forEach((reply, i) =>
      typeof expected[i] === 'string' ? expect(reply).toBe(expected[i]) : expect(reply).toMatch(expected[i]!),
    );
    // Calls on different sessions were in flight together…
    expect(stats.overlaps).toBeGreaterThan(0);
    // …but never beside a KV call or anything else that is not one session's.
    expect(stats.unorderedOverlaps).toBe(0);
    c.ws.close();
  });
});
