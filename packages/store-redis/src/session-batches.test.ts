import type { Cluster, Command } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyLayout } from './keys.js';
import { BATCH_LUA, SESSION_SCRIPT_IDS, type Scripts, type SessionReply } from './scripts.js';
import { SessionBatches } from './session-batches.js';
import { RedisStore } from './store.js';
import { RedisCluster } from './testing/redis-cluster.js';
import { closeAfterTest, describeWithRedis, freshPrefix, harness, sleep } from './testing/harness.test-util.js';

// Session calls go to their master in batches (session-batches.ts). The first part drives the
// batching with a fake master (what a real one cannot be made to do on demand: refuse the batch
// script, lose its connection mid-batch); the second starts its own cluster: it counts the scripts
// the masters run, flushes their script caches and moves a slot.

/** A cluster of one master that answers each batch as `answer` says; the calls sent one by one are recorded. */
function fakeCluster(answer: (command: Command, batch: number) => void) {
  const batches: string[][] = [];
  const master = {
    options: { host: '127.0.0.1', port: 7000 },
    sendCommand(command: Command) {
      batches.push(command.args.map(String));
      answer(command, batches.length);
    },
  };
  const cluster = { slots: Array.from({ length: 16384 }, () => ['127.0.0.1:7000']), nodes: () => [master] } as unknown as Cluster;
  const oneByOne: string[] = [];
  let settleOneByOne: () => void = () => {};
  const scripts = {
    session: (name: string, meta: string) => {
      oneByOne.push(`${name} ${meta}`);
      return new Promise<SessionReply>((resolve) => {
        const previous = settleOneByOne;
        settleOneByOne = () => {
          previous();
          resolve([1, 0, 'one by one']);
        };
      });
    },
  } as unknown as Scripts;
  const batcher = new SessionBatches(cluster, scripts, new KeyLayout('p:'));
  return { batcher, batches, oneByOne, settleOneByOne: () => settleOneByOne() };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('session calls in batches, against a fake master', () => {
  it('calls made together go in one batch; the calls made while it is on its way go in the next, in order', async () => {
    const pending: Command[] = [];
    const { batcher, batches } = fakeCluster((command) => pending.push(command));
    const first = [batcher.run('nemesisGet', 1n, '', ['a'], false), batcher.run('nemesisSet', 2n, '', ['b', '1', '0'], false)];
    await tick();
    const later = [batcher.run('nemesisGet', 3n, '', ['c'], false)];
    await tick();
    expect(batches).toHaveLength(1); // the second waits for the first
    pending[0]!.resolve([
      [1, 0, [Buffer.from('va')], null],
      [1, 0, null],
    ]);
    expect(await Promise.all(first)).toEqual([
      [1, 0, ['va'], null],
      [1, 0, null],
    ]);
    await tick();
    expect(batches).toHaveLength(2);
    expect(batches[1]!.slice(2)).toEqual(['p:{s:', String(SESSION_SCRIPT_IDS.nemesisGet), '2', '3', '', 'c']);
    pending[1]!.resolve([[-1, 'WRONGTYPE Operation against a key holding the wrong kind of value']]);
    await expect(later[0]).rejects.toThrow('WRONGTYPE');
  });

  it('a batch that did not run: its calls go one by one, and the next batch waits until they are answered', async () => {
    const { batcher, batches, oneByOne, settleOneByOne } = fakeCluster((command, batch) => {
      if (batch === 1) command.reject(new Error('Connection is closed.'));
      else command.resolve([[1, 0, 'batched']]);
    });
    const lost = [batcher.run('nemesisProbe', 1n, '', [], false), batcher.run('nemesisProbe', 2n, '', [], false)];
    await tick();
    expect(oneByOne).toEqual(['nemesisProbe p:{s:1}:meta', 'nemesisProbe p:{s:2}:meta']);
    const next = batcher.run('nemesisProbe', 1n, '', [], false);
    await tick();
    expect(batches).toHaveLength(1); // not before the calls sent again are answered
    settleOneByOne();
    expect(await Promise.all(lost)).toEqual([
      [1, 0, 'one by one'],
      [1, 0, 'one by one'],
    ]);
    await tick();
    expect(batches).toHaveLength(2);
    expect(await next).toEqual([1, 0, 'batched']);
  });

  it('once a master refused the batch script, a new call still goes after the calls queued before it', async () => {
    const pending: Command[] = [];
    const { batcher, oneByOne, settleOneByOne } = fakeCluster((command) => pending.push(command));
    const calls = [batcher.run('nemesisGet', 1n, '', ['a'], false)];
    await tick();
    calls.push(batcher.run('nemesisGet', 2n, '', ['a'], false)); // waits for the batch on its way
    await tick();
    pending[0]!.reject(new Error("ERR Error compiling script (new function): user_script:1: unexpected symbol near '#'"));
    await tick();
    calls.push(batcher.run('nemesisGet', 3n, '', ['a'], false)); // after the one queued before it
    await tick();
    settleOneByOne();
    await tick();
    settleOneByOne();
    await Promise.all(calls);
    expect(oneByOne).toEqual(['nemesisGet p:{s:1}:meta', 'nemesisGet p:{s:2}:meta', 'nemesisGet p:{s:3}:meta']);
  });

  it('a master that refuses the batch script (before Redis 7): that batch and every later call go one by one', async () => {
    const { batcher, batches, oneByOne, settleOneByOne } = fakeCluster((command) =>
      command.reject(new Error("ERR Error compiling script (new function): user_script:1: unexpected symbol near '#'")),
    );
    const first = batcher.run('nemesisGet', 1n, '', ['a'], false);
    await tick();
    settleOneByOne();
    expect(await first).toEqual([1, 0, 'one by one']);
    const later = batcher.run('nemesisGet', 2n, '', ['a'], false);
    await tick();
    settleOneByOne();
    expect(await later).toEqual([1, 0, 'one by one']);
    expect(batches).toHaveLength(1);
    expect(oneByOne).toHaveLength(2);
  });
});

describeWithRedis('session calls in batches', (_seeds, tools) => {
  let cluster: RedisCluster | undefined;
  beforeAll(async () => {
    cluster = await RedisCluster.start(tools());
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  const newHarness = () => harness(closeAfterTest(new RedisStore({ nodes: cluster!.seeds, keyPrefix: freshPrefix() })));

  /** Calls of the commands `pattern` matches that the masters have run so far (scripts' own included). */
  async function commandCalls(pattern: string): Promise<number> {
    let total = 0;
    for (const port of await cluster!.masters()) {
      const stats = await cluster!.cli(port, 'info', 'commandstats');
      for (const match of stats.matchAll(new RegExp(`^cmdstat_(?:${pattern}):calls=(\\d+)`, 'gm'))) total += Number(match[1]);
    }
    return total;
  }

  /** Where a key's slot is (source) and another master it could move to (target), with their ids. */
  async function moveOf(meta: string) {
    const redis = cluster!;
    const source = await redis.masterOf(meta);
    const target = (await redis.masters()).find((port) => port !== source)!;
    const slot = (await redis.cli(source, 'cluster', 'keyslot', meta)).trim();
    const idOf = async (port: number) => (await redis.cli(port, 'cluster', 'myid')).trim();
    return { meta, source, target, slot, sourceId: await idOf(source), targetId: await idOf(target) };
  }

  /** Scripts run by the masters so far (EVALSHA and EVAL). */
  const scriptsRun = () => commandCalls('eval|evalsha');

  it('many calls in flight share a few scripts per master, and each takes effect in the order it was made', async () => {
    const h = newHarness();
    const tokens = await Promise.all(Array.from({ length: 200 }, () => h.session()));
    const before = await scriptsRun();
    const calls = 1000;
    const replies = await Promise.all(
      Array.from({ length: calls }, (_, i) => h.body('SH_SET', `{"SH_SET":{"tkn":${tokens[i % tokens.length]},"keys":{"v":${i}}}}`)),
    );
    const scripts = (await scriptsRun()) - before;
    expect(replies.every((body) => body.st === 1)).toBe(true);
    // Not one script per call: the calls of one tick went to each master together.
    expect(scripts).toBeLessThan(calls / 10);
    // The last SH_SET made on each session is the one that stays.
    const values = await Promise.all(tokens.map((tkn) => h.body('SH_GET', `{"SH_GET":{"tkn":${tkn},"keys":["v"]}}`)));
    values.forEach((body, k) => expect(body.keys).toEqual({ v: calls - tokens.length + k }));
  });

  it('calls on one session in one batch check where its keys are once, and again after a call that may delete one', async () => {
    const h = newHarness();
    const tkn = await h.session();
    const before = await commandCalls('exists');
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) => h.body('SH_SET', `{"SH_SET":{"tkn":${tkn},"keys":{"v":${i}}}}`)),
    );
    expect(replies.every((body) => body.st === 1)).toBe(true);
    expect((await commandCalls('exists')) - before).toBeLessThan(10);
    expect((await h.body('SH_GET', `{"SH_GET":{"tkn":${tkn},"keys":["v"]}}`)).keys).toEqual({ v: 49 });
    // An end in the same batch: the calls after it see that the session is gone.
    const after = await Promise.all([
      h.body('SH_SET', `{"SH_SET":{"tkn":${tkn},"keys":{"w":1}}}`),
      h.body('SH_END', `{"SH_END":{"tkn":${tkn}}}`),
      h.body('SH_GET', `{"SH_GET":{"tkn":${tkn},"keys":["w"]}}`),
      h.body('SH_SET', `{"SH_SET":{"tkn":${tkn},"keys":{"w":2}}}`),
    ]);
    expect(after.map((body) => body.st)).toEqual([1, 1, 100, 100]);
  });

  it('a call that extends a session moves the deadline every later call of the batch writes with', async () => {
    // Later calls on the session in the same batch reuse the settings the first one read: an
    // SH_SET after an extending SH_GET must give the keys the extended deadline, not the old one.
    const h = newHarness();
    const tkn = await h.session({ duration: 3, deleteSession: false, extendOnGet: true, extendOnSetAdd: false });
    await sleep(1500);
    const batch = await Promise.all([
      h.body('SH_GET', `{"SH_GET":{"tkn":${tkn},"keys":[]}}`), // extends to now + 3 s
      h.body('SH_SET', `{"SH_SET":{"tkn":${tkn},"keys":{"k":1}}}`), // its keys expire with the session
    ]);
    expect(batch.map((body) => body.st)).toEqual([1, 1]);
    await sleep(1800); // past the first deadline, 1.2 s before the extended one
    expect((await h.body('SH_GET', `{"SH_GET":{"tkn":${tkn},"keys":["k"]}}`)).keys).toEqual({ k: 1 });
  });

  it('while its slot is migrating, a call after one that deleted the session checks again: it is sent on, not failed', async () => {
    // In a migrating slot a missing key is the target's (ASK): a call that skipped the check
    // after an SH_END in the same run would fail on it inside the script instead of going there.
    const redis = cluster!;
    const h = newHarness();
    const tkn = await h.session();
    expect((await h.body('SH_SET', `{"SH_SET":{"tkn":${tkn},"keys":{"w":0}}}`)).st).toBe(1); // both keys exist
    const { source, target, slot, sourceId, targetId } = await moveOf(h.store.layout.sessionMeta(BigInt(tkn)));
    await redis.cli(target, 'cluster', 'setslot', slot, 'importing', sourceId);
    await redis.cli(source, 'cluster', 'setslot', slot, 'migrating', targetId);
    try {
      const id = (name: keyof typeof SESSION_SCRIPT_IDS) => String(SESSION_SCRIPT_IDS[name]);
      const batch = [id('nemesisGet'), '2', tkn, '', 'w', id('nemesisEnd'), '1', tkn, '', id('nemesisGet'), '2', tkn, '', 'w'];
      const out = (await redis.cli(source, 'eval', BATCH_LUA, '0', h.store.layout.sessionHead, ...batch)).trim().split('\n');
      // The first read and the end ran here ({1, …}); the read after the end answers -2: send me on.
      expect(out[0]).toBe('1');
      expect(out.filter((line) => line === '-1')).toEqual([]);
      expect(out.filter((line) => line === '-2')).toHaveLength(1);
    } finally {
      for (const port of [source, target]) await redis.cli(port, 'cluster', 'setslot', slot, 'node', sourceId);
    }
  });

  it('a call that fails inside a batch fails alone: the calls beside it are answered as usual', async () => {
    const h = newHarness();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => h.session()));
    // Someone else wrote a string where a session keeps its keys: HSET on it fails (WRONGTYPE).
    const broken = tokens[7]!;
    const dataKey = h.store.layout.sessionData(BigInt(broken));
    await cluster!.cli(await cluster!.masterOf(dataKey), 'set', dataKey, 'not a hash');
    const replies = await Promise.all(tokens.map((tkn) => h.body('SH_SET', `{"SH_SET":{"tkn":${tkn},"keys":{"k":1}}}`)));
    replies.forEach((body, i) => expect(body.st, `session ${i}`).toBe(tokens[i] === broken ? 1000 : 1));
    const after = await Promise.all(
      tokens.filter((tkn) => tkn !== broken).map((tkn) => h.body('SH_GET', `{"SH_GET":{"tkn":${tkn},"keys":["k"]}}`)),
    );
    expect(after.every((body) => body.st === 1 && (body.keys as Record<string, unknown>).k === 1)).toBe(true);
  });

  it('a session created where nothing is, or over keys left behind without a session, holds exactly its own keys', async () => {
    // The batch's locality check also says whether either key exists, which spares a create on a
    // fresh token its reads and deletes; keys left behind must still be cleared, and counted out.
    const h = newHarness();
    const tokens = [BigInt(await h.session()), BigInt(await h.session())];
    const records = tokens.map((token) => ({ token, shared: false, expiry: undefined, keys: { a: 1, b: 'two' } }));
    for (const tkn of tokens) expect((await h.body('SH_END', `{"SH_END":{"tkn":${tkn}}}`)).st).toBe(1);
    const leftover = h.store.layout.sessionData(tokens[1]!);
    await cluster!.cli(await cluster!.masterOf(leftover), 'hset', leftover, 'stale', '1', 'a', '0');
    expect(await h.store.sessions.restore(records)).toEqual({ sessions: 2, keys: 4 });
    for (const tkn of tokens) {
      const keys = await h.body('SH_KEYS', `{"SH_KEYS":{"tkn":${tkn}}}`);
      expect((keys.keys as string[]).sort()).toEqual(['a', 'b']);
      expect((await h.body('SH_GET', `{"SH_GET":{"tkn":${tkn},"keys":["a"]}}`)).keys).toEqual({ a: 1 });
    }
  });

  it('a batch that does not parse is refused whole, and its master goes on serving', async () => {
    const port = await cluster!.masterOf('p:{s:1}:data'); // the master of the calls' session
    const set = String(SESSION_SCRIPT_IDS.nemesisSet);
    const create = String(SESSION_SCRIPT_IDS.nemesisCreate);
    const malformed = [
      [set, '9', '1', '', '1', 'a', 'v'], // counts more arguments than the batch has
      ['99', '1', '1', ''], // no such script
      [set, 'x', '1', ''], // a count that is not a number
      [create, '8', '1', '', '0', '', '', '', '', '', '', set, '-1', '2'], // a create, then a call out of step
    ];
    for (const batch of malformed) {
      const out = await cluster!.cli(port, 'eval', BATCH_LUA, '0', 'p:{s:', ...batch);
      expect(out, batch.join(' ')).toMatch(/malformed session batch/);
    }
    expect((await cluster!.cli(port, 'ping')).trim()).toBe('PONG');
    // Refused whole: the create before the call out of step did not run either.
    expect((await cluster!.cli(port, 'exists', 'p:{s:1}:meta')).trim()).toBe('0');
  });

  it('masters that lost their scripts (SCRIPT FLUSH, a restart, a promoted replica) load them again: no call fails', async () => {
    const h = newHarness();
    const tkn = await h.session();
    expect((await h.body('SH_SET', `{"SH_SET":{"tkn":${tkn},"keys":{"k":1}}}`)).st).toBe(1);
    for (const port of await cluster!.masters()) await cluster!.cli(port, 'script', 'flush');
    const replies = await Promise.all([
      h.body('SH_SET', `{"SH_SET":{"tkn":${tkn},"keys":{"k":2}}}`),
      h.body('SH_GET', `{"SH_GET":{"tkn":${tkn},"keys":["k"]}}`),
      h.body('SH_NEW', '{"SH_NEW":{}}'),
    ]);
    expect(replies.map((body) => body.st)).toEqual([1, 1, 1]);
    expect(replies[1]!.keys).toEqual({ k: 2 });
  });

  it('a session whose slot moves to another master while calls on it flow: every call answered, in order', async () => {
    const redis = cluster!;
    const h = newHarness();
    const tkn = await h.session();
    const { meta, source, target, slot, sourceId, targetId } = await moveOf(h.store.layout.sessionMeta(BigInt(tkn)));

    // Pipelined SH_SET / SH_GET pairs on the session, 8 pairs in flight, all through the move.
    let stop = false;
    let sent = 0;
    const problems: string[] = [];
    const traffic = (async () => {
      while (!stop) {
        const first = sent;
        const round = Array.from({ length: 8 }, (_, j) => {
          const value = first + j;
          return Promise.all([
            h.body('SH_SET', `{"SH_SET":{"tkn":${tkn},"keys":{"v":${value}}}}`),
            h.body('SH_GET', `{"SH_GET":{"tkn":${tkn},"keys":["v"]}}`),
          ]).then(([set, get]) => {
            if (set.st !== 1) problems.push(`SH_SET ${value}: st ${String(set.st)}`);
            // Issued right after its SH_SET, before any later one: it sees that value exactly.
            if (get.st !== 1 || (get.keys as Record<string, unknown>).v !== value)
              problems.push(`SH_GET after ${value}: ${JSON.stringify(get)}`);
          });
        });
        sent += 8;
        await Promise.all(round);
      }
    })();

    const keys = [meta, h.store.layout.sessionData(BigInt(tkn))];
    await sleep(100);
    await redis.cli(target, 'cluster', 'setslot', slot, 'importing', sourceId);
    await redis.cli(source, 'cluster', 'setslot', slot, 'migrating', targetId);
    await sleep(100);
    const migrated = sent;
    await redis.cli(source, 'migrate', '127.0.0.1', String(target), '', '0', '5000', 'keys', ...keys);
    await sleep(100);
    for (const port of [target, source]) await redis.cli(port, 'cluster', 'setslot', slot, 'node', targetId);
    await sleep(300);
    stop = true;
    await traffic;

    expect(problems).toEqual([]);
    expect(sent).toBeGreaterThan(migrated); // calls kept coming after the keys moved
    expect(await redis.masterOf(meta)).toBe(target);
    expect((await h.body('SH_GET', `{"SH_GET":{"tkn":${tkn},"keys":["v"]}}`)).keys).toEqual({ v: sent - 1 });
  });
});
