import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisStore } from './store.js';
import { RedisCluster } from './testing/redis-cluster.js';
import { closeAfterTest, describeWithRedis, freshPrefix, harness, sleep, type Harness } from './testing/harness.test-util.js';

// A master dies (SIGKILL, no goodbye): the cluster promotes its replica, and two NemesisDB servers
// on the cluster carry on. This file starts its own cluster, since it breaks it.

interface Observation {
  /** ms since the kill when the request was sent. */
  at: number;
  ms: number;
  st: number;
}

describeWithRedis('failover of a master', (_seeds, tools) => {
  let cluster: RedisCluster | undefined;
  beforeAll(async () => {
    cluster = await RedisCluster.start(tools(), { nodeTimeoutMs: 1000 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('kill one master: its replica takes over; requests wait for it (or answer 1000 once retries run out), then all carry on', async () => {
    const redis = cluster!;
    const keyPrefix = freshPrefix();
    const a = harness(closeAfterTest(new RedisStore({ nodes: redis.seeds, keyPrefix })));
    const b = harness(closeAfterTest(new RedisStore({ nodes: redis.seeds, keyPrefix })));
    // A third server that gives up quickly (3 tries, 100 ms apart) instead of waiting for the
    // promotion (the default retries for about 5 s): its clients see 1000 meanwhile.
    const impatient = harness(
      closeAfterTest(
        new RedisStore({
          nodes: redis.seeds,
          keyPrefix,
          clusterOptions: { maxRedirections: 3, retryDelayOnFailover: 100, retryDelayOnClusterDown: 100 },
        }),
      ),
    );

    // Sessions and KV keys on every master.
    const tokens = await Promise.all(Array.from({ length: 30 }, () => a.session()));
    await Promise.all(tokens.map((tkn, i) => b.send(`{"SH_SET":{"tkn":${tkn},"keys":{"i":${i}}}}`)));
    const kv: Record<string, number> = {};
    for (let i = 0; i < 30; i++) kv[`k${i}`] = i;
    await a.send({ KV_SET: { keys: kv } });
    const victim = tokens[0]!;
    const metaKey = a.store.layout.sessionMeta(BigInt(victim));
    const port = await redis.masterOf(metaKey);
    const masters = await redis.masters();
    expect(masters).toHaveLength(3);
    for (const master of masters) await redis.waitReplicated(master); // replication is asynchronous

    // One request after another on the victim's session, through each server, all along.
    const observed = new Map<Harness, Observation[]>([
      [a, []],
      [b, []],
      [impatient, []],
    ]);
    let killedAt = Date.now();
    let running = true;
    const probe = async (h: Harness) => {
      while (running) {
        const sent = Date.now();
        const reply = await h.body('SH_GET', `{"SH_GET":{"tkn":${victim},"keys":["i"]}}`);
        observed.get(h)!.push({ at: sent - killedAt, ms: Date.now() - sent, st: reply.st as number });
        // Only two answers are possible: the data, or 1000 (the request failed); never a wrong one.
        if (reply.st === 1) expect(reply).toEqual({ keys: { i: 0 }, st: 1 });
        else expect(reply).toEqual({ m: '', st: 1000, tkn: null });
        await sleep(50);
      }
    };
    const probes = Promise.all([probe(a), probe(b), probe(impatient)]);
    await sleep(200);

    killedAt = Date.now();
    await redis.kill(port);
    await redis.waitFailedOver(port, metaKey);
    const promotedAfter = Date.now() - killedAt;
    // Give the clients time to see the new master, then stop probing.
    await sleep(1500);
    running = false;
    await probes;

    const report = (name: string, list: Observation[]) => {
      const after = list.filter((o) => o.at >= 0);
      const failed = after.filter((o) => o.st !== 1);
      const lastFailure = failed.at(-1);
      console.log(
        `${name}: ${after.length} requests after the kill, ${failed.length} answered 1000` +
          (lastFailure === undefined ? '' : ` (the last one sent ${lastFailure.at} ms after the kill)`) +
          `, slowest ${Math.max(...after.map((o) => o.ms))} ms`,
      );
      // All fine before: every request answered before the kill (one sent just before it may be
      // answered after it, and the impatient server may then answer 1000, as it should).
      expect(list.filter((o) => o.at + o.ms < 0).every((o) => o.st === 1)).toBe(true);
      expect(list.at(-1)!.st).toBe(1); // and fine again after
      return failed.length;
    };
    console.log(`failover: replica promoted (cluster_state:ok) ${promotedAfter} ms after SIGKILL of master ${port}`);
    report('server A (default retries)', observed.get(a)!);
    report('server B (default retries)', observed.get(b)!);
    expect(report('impatient server (3 tries)', observed.get(impatient)!)).toBeGreaterThan(0);

    // Everything still there, through both servers, and the cluster-wide commands work again.
    expect(await b.body('SH_GET', `{"SH_GET":{"tkn":${victim},"keys":["i"]}}`)).toEqual({ keys: { i: 0 }, st: 1 });
    expect(await a.body('SH_SET', `{"SH_SET":{"tkn":${victim},"keys":{"after":true}}}`)).toEqual({ st: 1 });
    expect(await b.body('SH_COUNT', `{"SH_COUNT":{"tkn":${victim}}}`)).toEqual({ cnt: 2, st: 1 });
    expect(await a.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toEqual({ st: 1, totalKeys: 31, totalSessions: 30 });
    expect(await b.body('KV_COUNT', '{"KV_COUNT":{}}')).toEqual({ cnt: 30, st: 1 });
    expect(((await a.body('KV_KEYS', '{"KV_KEYS":{}}')).keys as string[]).sort()).toEqual(Object.keys(kv).sort());
    const fresh = await b.session({ duration: 60 });
    expect(await a.body('SH_EXISTS', `{"SH_EXISTS":{"tkns":[${fresh}]}}`)).toEqual({ exist: [BigInt(fresh)], st: 1 });
    // A server started after the failover, seeded with the survivors, sees the same data.
    const late = harness(closeAfterTest(new RedisStore({ nodes: redis.seeds, keyPrefix })));
    expect(await late.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toEqual({ st: 1, totalKeys: 31, totalSessions: 31 });
  });
});
