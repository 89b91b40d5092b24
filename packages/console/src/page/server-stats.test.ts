// The server view's numbers from a real server's /health and /metrics, under real requests.
import { Engine } from '@nemesisdb/engine';
import { startServer, type NemesisServer } from '@nemesisdb/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NemesisClient } from '@nemesisdb/client';
import { parseMetrics, total } from './prometheus.js';
import { ServerStats } from './server-stats.js';

describe('parseMetrics', () => {
  it('reads samples with labels, escapes, special values, and skips comments', () => {
    const metrics = parseMetrics(
      [
        '# HELP x_total Things.',
        '# TYPE x_total counter',
        'x_total{command="SH_NEW",st="1"} 3',
        'x_total{command="KV_GET",st="1"} 4.5 1700000000000',
        'y{path="a\\"b\\\\c"} +Inf',
        'z NaN',
        'garbage line here',
        '# TYPE counted_nothing_total counter',
      ].join('\n'),
    );
    expect(total(metrics, 'x_total')).toBe(7.5);
    expect(total(metrics, 'x_total', (labels) => labels.command === 'SH_NEW')).toBe(3);
    expect(metrics.get('y')).toEqual([{ labels: { path: 'a"b\\c' }, value: Number.POSITIVE_INFINITY }]);
    expect(Number.isNaN(total(metrics, 'z'))).toBe(true);
    expect(total(metrics, 'absent')).toBeUndefined();
    expect(total(metrics, 'counted_nothing_total')).toBe(0);
  });
});

describe('ServerStats over a real server', () => {
  let server: NemesisServer;
  let origin: string;

  beforeAll(async () => {
    server = await startServer({ engine: new Engine(), host: '127.0.0.1', port: 0 });
    origin = server.url.replace(/^ws:/, 'http:');
  });
  afterAll(async () => {
    await server?.close();
  });

  async function poll(stats: ServerStats, at: number) {
    const health = (await (await fetch(`${origin}/health`)).json()) as Record<string, unknown>;
    const metrics = parseMetrics(await (await fetch(`${origin}/metrics`)).text());
    return stats.add(at, health, metrics);
  }

  it('counts sessions, keys and connections, and turns the command counter into requests/s', async () => {
    const stats = new ServerStats(3);
    const first = await poll(stats, 1_000_000);
    expect(first.requestsPerSecond).toBeNull(); // no rate from one poll
    expect(first.sessions).toBe(0);
    expect(first.rssMiB).toBeGreaterThan(1);
    expect(first.heapMiB).toBeGreaterThan(1);

    const db = await NemesisClient.connect(server.url);
    await db.sendRaw('{"SH_NEW":{}}');
    await db.sendRaw('{"KV_SET":{"keys":{"a":1,"b":2}}}');
    await Promise.all(Array.from({ length: 98 }, () => db.sendRaw('{"KV_GET":{"keys":["a"]}}')));
    const second = await poll(stats, 1_002_000);
    expect(second.requestsPerSecond).toBe(50); // 100 commands in 2 s
    expect(second.latencyUs).toBeGreaterThan(0);
    expect(second).toMatchObject({ sessions: 1, kvKeys: 2, sessionKeys: 0, connections: 1 });
    await db.close();

    // A counter going down: the server restarted, no rate.
    const restarted = stats.add(1_004_000, { uptime: 0, sessions: 0 }, parseMetrics('nemesisdb_commands_total{command="SH_NEW",st="1"} 1'));
    expect(restarted.requestsPerSecond).toBeNull();
    await poll(stats, 1_006_000);
    expect(stats.points).toHaveLength(3); // bounded
  });
});
