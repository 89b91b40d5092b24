import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisStore } from './store.js';
import { RedisCluster } from './testing/redis-cluster.js';
import { closeAfterTest, describeWithRedis, freshPrefix, harness } from './testing/harness.test-util.js';

// A cluster that requires a password (requirepass, as production clusters do): the store logs in
// to every node, the ones it discovers included; a missing or wrong password fails at startup, at
// once and saying so, rather than as a server that answers 1000 to everything.

describeWithRedis('a cluster that requires a password', (_seeds, tools) => {
  const PASSWORD = 'a-cluster-password';
  let cluster: RedisCluster | undefined;
  beforeAll(async () => {
    cluster = await RedisCluster.start(tools(), { password: PASSWORD });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('serves every master with the password', async () => {
    const store = closeAfterTest(new RedisStore({ nodes: cluster!.seeds.slice(0, 1), keyPrefix: freshPrefix(), password: PASSWORD }));
    await store.ready();
    const h = harness(store);
    for (let i = 0; i < 30; i++) await h.session(); // tokens spread over every master
    expect(await h.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toEqual({ st: 1, totalKeys: 0, totalSessions: 30 });
  });

  it.each([
    ['no password', undefined, /refused the login: .*NOAUTH/],
    ['a wrong password', 'wrong', /refused the login: .*WRONGPASS/],
  ])('refuses to start with %s, at once', async (_name, password, message) => {
    const options = password === undefined ? {} : { password };
    const store = closeAfterTest(new RedisStore({ nodes: cluster!.seeds, ...options }));
    const started = Date.now();
    await expect(store.ready(20_000)).rejects.toThrow(message);
    expect(Date.now() - started).toBeLessThan(10_000); // not the 20 s timeout
  });
});
