// The app with `--store redis`: two nemesisdb servers, started as the CLI starts them, on one real
// Redis Cluster (3 masters, 3 replicas on loopback) serve one dataset. The store's own tests (and
// the whole conformance suite on two servers) live in @nemesisdb/store-redis; this checks the
// app's wiring: config → RedisStore → engine → server, logs, and a cluster that cannot be reached.
import { randomBytes } from 'node:crypto';
import { RedisCluster, REDIS_INSTALL_HINT, findRedis } from '@nemesisdb/store-redis/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appConfig as config, memoryLogger } from './in-process.test-util.js';
import { run, type Running } from './main.js';
import { openClient as connect } from './ws-client.test-util.js';

const tools = findRedis();
const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;

const needsRedis = tools === undefined ? (process.env.CI ? describe : describe.skip) : describe;

needsRedis(`two nemesisdb servers with --store redis${tools === undefined ? ` (redis-server missing: ${REDIS_INSTALL_HINT})` : ''}`, () => {
  let cluster: RedisCluster;
  const servers: Running[] = [];
  const logs: Record<string, unknown>[][] = [];

  beforeAll(async () => {
    if (tools === undefined) throw new Error(`CI must install Redis: ${REDIS_INSTALL_HINT}`);
    // A cluster that requires a password, as production ones do; the servers get it from the environment.
    cluster = await RedisCluster.start(tools, { password: PASSWORD });
    const nodes = cluster.seeds.map((seed) => `${seed.host}:${seed.port}`).join(',');
    const prefix = `app${randomBytes(4).toString('hex')}:`;
    for (let i = 0; i < 2; i++) {
      const { logger, lines } = memoryLogger('info');
      logs.push(lines);
      const argv = ['--store', 'redis', '--redis-nodes', nodes, '--redis-key-prefix', prefix, '--no-console'];
      servers.push(await run(config(argv, { NEMESISDB_REDIS_PASSWORD: PASSWORD }), logger));
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop({ timeoutMs: 1000 })));
    await cluster?.stop();
  });

  it('logs the store it runs on, and never the password', () => {
    for (const lines of logs) {
      expect(lines.find((line) => line.msg === 'connected to the Redis cluster')).toMatchObject({ nodes: cluster.seeds, login: 'default' });
      expect(lines.find((line) => line.msg === 'listening')).toMatchObject({ store: 'redis' });
      expect(JSON.stringify(lines)).not.toContain(PASSWORD);
    }
  });

  it(
    'serves one dataset: a session made through one server is read, extended and expired through the other',
    { timeout: 20_000 },
    async () => {
      const [a, b] = [await connect(servers[0]!.server.url), await connect(servers[1]!.server.url)];
      try {
        const created = await a.request('{"SH_NEW":{"expiry":{"duration":1,"deleteSession":true,"extendOnGet":true}}}');
        const tkn = /"tkn":(\d+)/.exec(created)![1]!;
        expect(await a.request(`{"SH_SET":{"tkn":${tkn},"keys":{"big":18446744073709551615,"name":"x"}}}`)).toBe('{"SH_SET_RSP":{"st":1}}');
        expect(await b.request(`{"SH_GET":{"tkn":${tkn},"keys":["big","name"]}}`)).toBe(
          '{"SH_GET_RSP":{"keys":{"big":18446744073709551615,"name":"x"},"st":1}}',
        );
        await new Promise((resolve) => setTimeout(resolve, 700));
        await b.request(`{"SH_GET":{"tkn":${tkn},"keys":[]}}`); // extends, through b
        await new Promise((resolve) => setTimeout(resolve, 600)); // past the first deadline
        expect(await a.request(`{"SH_EXISTS":{"tkns":[${tkn}]}}`)).toBe(`{"SH_EXISTS_RSP":{"exist":[${tkn}],"st":1}}`);
        await new Promise((resolve) => setTimeout(resolve, 600)); // past the extended one
        expect(await a.request(`{"SH_EXISTS":{"tkns":[${tkn}]}}`)).toBe('{"SH_EXISTS_RSP":{"exist":[],"st":1}}');

        expect(await b.request('{"KV_SET":{"keys":{"shared":[1,2]}}}')).toBe('{"KV_SET_RSP":{"st":1}}');
        expect(await a.request('{"KV_ARR_APPEND":{"key":"shared","items":[3]}}')).toBe('{"KV_ARR_APPEND_RSP":{"st":1}}');
        expect(await b.request('{"KV_GET":{"keys":["shared"]}}')).toBe('{"KV_GET_RSP":{"keys":{"shared":[1,2,3]},"st":1}}');
        expect(await a.request('{"KV_COUNT":{}}')).toBe(await b.request('{"KV_COUNT":{}}'));
      } finally {
        a.close();
        b.close();
      }
    },
  );
});

describe('--store redis with a cluster that cannot be reached', () => {
  it('does not start: run() rejects, naming the problem', { timeout: 20_000 }, async () => {
    const { logger } = memoryLogger('info');
    // Port 1 on loopback: nothing listens there.
    await expect(run(config(['--store', 'redis', '--redis-nodes', '127.0.0.1:1']), logger)).rejects.toThrow(/Redis cluster was not ready/);
  });
});
