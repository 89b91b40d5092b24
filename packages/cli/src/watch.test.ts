import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, stopAllApps, type App } from './app-server.test-util.js';
import { STACK_TRACE, runCli } from './cli-process.test-util.js';
import { LatencyStats } from './latency-stats.js';
import { formatBytes, metricSum } from './stat.js';

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(stopAllApps);

/** A server on 127.0.0.1 port 0 that is not NemesisDB; closed after the test. */
async function otherServer(setup: (server: Server) => void): Promise<string> {
  const server = createServer((_request, response) => response.end('hello'));
  setup(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Accepts the WebSocket upgrade, then drops the connection when the first request comes. */
function dropOnFirstRequest(server: Server): void {
  server.on('upgrade', (request, socket) => {
    const key = String(request.headers['sec-websocket-key']);
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    socket.on('data', () => socket.destroy());
  });
}

describe('--latency', () => {
  it('measures SV_INFO round trips and prints min/max/avg/p99', async () => {
    const result = await runCli(['--latency', '-n', '50', '-i', '1', app.url]);
    expect(result.code).toBe(0);
    const last = result.stdout.trim().split('\n').at(-1)!;
    const match = /^min: ([\d.]+), max: ([\d.]+), avg: ([\d.]+), p99: ([\d.]+) \(50 samples, ms\)$/.exec(last);
    expect(match, result.stdout).not.toBeNull();
    const [min, max, avg, p99] = match!.slice(1).map(Number) as [number, number, number, number];
    expect(min).toBeGreaterThan(0);
    expect(min).toBeLessThanOrEqual(avg);
    expect(avg).toBeLessThanOrEqual(max);
    expect(p99).toBeLessThanOrEqual(max);
  });

  it('stops on Ctrl-C with the figures so far', async () => {
    const result = await runCli(['--latency', app.url], { started: (interrupt) => setTimeout(interrupt, 1500) });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/min: [\d.]+, max: [\d.]+, avg: [\d.]+, p99: [\d.]+ \(\d+ samples, ms\)\n$/);
  });

  it('exits 3 when the server cannot be reached', async () => {
    expect((await runCli(['--latency', '-n', '3', 'ws://127.0.0.1:1'])).code).toBe(3);
  });

  it('says there are no samples, not zeros, when the connection drops before the first reply', async () => {
    const url = await otherServer(dropOnFirstRequest);
    const result = await runCli(['--latency', '-n', '3', url]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/lost \(close code 1006\) before the reply arrived/);
    expect(result.stdout).toBe('no samples: no SV_INFO round trip completed\n');
    expect(result.stderr).not.toMatch(STACK_TRACE);
  });

  it('gives up with --timeout when the server stops answering (exit 3, no stack trace)', async () => {
    const stuck = await startApp();
    let paused = false;
    const result = await runCli(['--latency', '--timeout', '1', stuck.url], {
      // Once a line of figures is out (connected and answering), the server freezes.
      onOutput: (stdout) => {
        if (!paused && stdout.includes('samples')) {
          paused = true;
          stuck.pause();
        }
      },
    });
    expect(paused).toBe(true);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('no reply within 1 s (--timeout); the request may still run on the server');
    expect(result.stderr).not.toMatch(STACK_TRACE);
  });
});

describe('LatencyStats', () => {
  it('gives percentiles within 1 %', () => {
    const stats = new LatencyStats();
    for (let i = 1; i <= 1000; i++) stats.add(i / 100); // 0.01 … 10 ms
    expect(stats.min).toBe(0.01);
    expect(stats.max).toBe(10);
    expect(stats.mean).toBeCloseTo(5.005, 6);
    expect(stats.percentile(0.99)).toBeGreaterThanOrEqual(9.9);
    expect(stats.percentile(0.99)).toBeLessThanOrEqual(9.9 * 1.01);
    expect(stats.percentile(0.5)).toBeGreaterThanOrEqual(5);
    expect(stats.percentile(0.5)).toBeLessThanOrEqual(5 * 1.01);
  });
});

describe('--stat', () => {
  it('prints a header and a line per interval with sessions, keys, connections, ops/s and memory', async () => {
    await runCli(['--pipe', app.url], { input: 'SH_NEW {}\nSH_SET {"tkn":$tkn,"keys":{"a":1,"b":2}}\nKV_SET {"keys":{"statKey":1}}\n' });
    const result = await runCli(['--stat', '-n', '3', '-i', '300', app.url]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/sessions\s+kv keys\s+session keys\s+connections\s+ops\/s\s+memory/);
    expect(lines).toHaveLength(4);
    const [sessions, kvKeys, sessionKeys, connections, , memory] = lines[1]!.trim().split(/\s+/);
    expect(Number(sessions)).toBeGreaterThanOrEqual(1);
    expect(Number(kvKeys)).toBeGreaterThanOrEqual(1);
    expect(Number(sessionKeys)).toBeGreaterThanOrEqual(2);
    expect(Number(connections)).toBeGreaterThanOrEqual(0);
    expect(memory).toMatch(/^\d+(\.\d+)?[KMG]$/);
    expect(lines[2]!.trim().split(/\s+/)[4]).toMatch(/^\d+$/); // ops/s once there are two samples
  });

  it('exits 3 when the server cannot be reached', async () => {
    const result = await runCli(['--stat', '-n', '1', 'ws://127.0.0.1:1']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('/health');
  });

  it('exits 3 with a message when the port holds another HTTP server', async () => {
    const url = await otherServer(() => {});
    const result = await runCli(['--stat', '-n', '2', '-i', '100', url]);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('GET /metrics has no nemesisdb_ metrics: is this a NemesisDB server?');
  });

  it('reads Prometheus text and sizes', () => {
    const text = [
      '# HELP x',
      'nemesisdb_commands_total{command="SH_NEW",st="1"} 5',
      'nemesisdb_commands_total{command="KV_GET",st="1"} 7',
      'nemesisdb_commands_total_other 100',
      'nemesisdb_sessions 3',
    ].join('\n');
    expect(metricSum(text, 'nemesisdb_commands_total')).toBe(12);
    expect(metricSum(text, 'nemesisdb_sessions')).toBe(3);
    expect(metricSum(text, 'nemesisdb_keys')).toBeUndefined();
    expect(formatBytes(123 * 1024 * 1024)).toBe('123.00M');
  });
});
