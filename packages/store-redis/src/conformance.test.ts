// The whole documented conformance suite against two NemesisDB servers that share one Redis
// Cluster, through a proxy that sends each request of a connection to the other server in turn:
// every session a case creates through one server is read, changed, extended, saved and expired
// through the other, so the pair must answer as one server would.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCorpus, runSuite, summaryLine, type CaseResult } from '@nemesisdb/conformance';
import { Engine, FilePersistence } from '@nemesisdb/engine';
import { startServer, type NemesisServer } from '@nemesisdb/server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisStore } from './store.js';
import { startAlternatingProxy, type AlternatingProxy } from './testing/alternating-proxy.test-util.js';
import { describeWithRedis, freshPrefix, type Seeds } from './testing/harness.test-util.js';

const MAX_PAYLOAD = 1024 * 1024;
const { cases } = loadCorpus();

interface Pair {
  proxy: AlternatingProxy;
  stop(): Promise<void>;
}

/** Two servers on one key prefix of the cluster (and one persist directory), behind the proxy. */
async function startPair(seeds: Seeds, persist: boolean): Promise<Pair> {
  const keyPrefix = freshPrefix();
  const directory = mkdtempSync(join(tmpdir(), 'nemesisdb-pair-'));
  const servers: NemesisServer[] = [];
  const engines: Engine[] = [];
  for (let i = 0; i < 2; i++) {
    const store = new RedisStore({ nodes: seeds, keyPrefix });
    await store.ready();
    const engine = new Engine({
      store,
      persistence: new FilePersistence({ path: directory, enabled: persist }),
      onCommandError: (error, command) => console.error(`server ${i}: ${command} failed:`, error),
    });
    engines.push(engine);
    servers.push(await startServer({ engine, host: '127.0.0.1', port: 0, maxPayload: MAX_PAYLOAD }));
  }
  const proxy = await startAlternatingProxy(
    servers.map((server) => server.url),
    MAX_PAYLOAD,
  );
  return {
    proxy,
    async stop() {
      await proxy.close();
      await Promise.all(servers.map((server) => server.close()));
      await Promise.all(engines.map((engine) => engine.close()));
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

function report(results: readonly CaseResult[]): string {
  return results.map((r) => `${r.case.id}\n${r.message ?? ''}`).join('\n\n');
}

describeWithRedis('the conformance suite against two servers sharing one cluster', (seeds) => {
  let persistent: Pair;
  let plain: Pair;

  beforeAll(async () => {
    [persistent, plain] = await Promise.all([startPair(seeds(), true), startPair(seeds(), false)]);
  });

  afterAll(async () => {
    await Promise.all([persistent?.stop(), plain?.stop()]);
  });

  it('passes every case, each request going to the other server', { timeout: 300_000 }, async () => {
    const outcome = await runSuite({ url: persistent.proxy.url, cases, maxPayload: MAX_PAYLOAD });
    console.log(`two servers, one cluster: ${summaryLine(outcome.summary)}`);
    expect(outcome.facts.persistEnabled).toBe(true);
    const failed = outcome.results.filter((r) => r.status === 'failed');
    expect(failed.length, `cases failing on the shared cluster:\n\n${report(failed)}`).toBe(0);
    // Only the cases that need a server without persistence are skipped here; they run below.
    const skipped = outcome.results.filter((r) => r.status === 'skipped');
    expect(
      skipped.every((r) => r.case.tags.includes('persistence-off')),
      report(skipped),
    ).toBe(true);
    expect(outcome.summary.passed).toBeGreaterThan(200);
  });

  it('passes the persistence-off cases on a pair without persistence', { timeout: 60_000 }, async () => {
    const outcome = await runSuite({ url: plain.proxy.url, cases, tags: ['persistence-off'], maxPayload: MAX_PAYLOAD });
    expect(outcome.results.length).toBeGreaterThanOrEqual(2);
    expect(
      outcome.results.filter((r) => r.status !== 'passed'),
      report(outcome.results),
    ).toEqual([]);
  });
});
