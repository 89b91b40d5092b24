// Load benchmark: a load generator on loopback against the `nemesisdb` app, as a separate process,
// and (when NDB_REF_BIN names its binary) against C++ NemesisDB v0.7.4 in the same run, and (when
// redis-server is installed) against the app on a throwaway 3-master Redis Cluster.
//
// The generator writes pre-built, pre-masked WebSocket frames on raw TCP sockets and only counts
// reply frames (no JSON parsing on the hot path), so that on a two-core machine most of the
// client's core is left for sending; the fair figure is the server's CPU time per request, read
// from /proc/PID/stat (utime + stime, all threads) over the measured window.
//
// Every row is measured LOAD_ROUNDS times (default 3), the servers interleaved (ours, C++, …, in
// an order that rotates each round), and the table gives the median round and the spread of our
// ops/s over the rounds, so that noise from other work on the machine shows instead of hiding.
// Run with `pnpm bench` (after `pnpm build`); LOAD_SECONDS per measurement (default 3);
// LOAD_ONLY=session:4:64 runs one row; LOAD_SERVER_NODE_ARGS="--cpu-prof" profiles our server;
// LOAD_BASELINE_NODE_ARGS="--import ./old-build-loader.mjs" adds our server started with those
// Node arguments as a "baseline" (e.g. a loader that maps a package to an older build), measured
// in the same rounds, to show what a change bought.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RedisCluster, findRedis } from '@nemesisdb/store-redis/testing';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const SECONDS = Number(process.env.LOAD_SECONDS ?? 3);
const ROUNDS = Number(process.env.LOAD_ROUNDS ?? 3);
const WARMUP_SECONDS = 1;
const SESSION_POOL = 10_000;
const CLK_TCK = 100; // Linux USER_HZ
const REF_BIN = process.env.NDB_REF_BIN;

/**
 * session: 10 % SH_NEW, 45 % SH_SET, 45 % SH_GET over a pool of sessions; own: SH_SET / SH_GET
 * alternating on the connection's own session (a web server's shape, and the store-redis bench's);
 * kv: 50 % KV_SET, 50 % KV_GET.
 */
type Mix = 'session' | 'own' | 'kv';

interface Scenario {
  mix: Mix;
  connections: number;
  inFlight: number;
  /** Also measured on the cluster store (against the memory store in the same round). */
  cluster?: boolean;
}

const ALL_SCENARIOS: Scenario[] = [
  { mix: 'session', connections: 1, inFlight: 1, cluster: true },
  { mix: 'session', connections: 1, inFlight: 8 },
  { mix: 'session', connections: 4, inFlight: 64 },
  { mix: 'session', connections: 16, inFlight: 16, cluster: true },
  { mix: 'own', connections: 16, inFlight: 16, cluster: true },
  { mix: 'kv', connections: 1, inFlight: 1 },
  { mix: 'kv', connections: 1, inFlight: 8 },
  { mix: 'kv', connections: 4, inFlight: 64 },
];

const only = process.env.LOAD_ONLY?.split(':');
const SCENARIOS: Scenario[] = only
  ? [{ mix: only[0] as Mix, connections: Number(only[1]), inFlight: Number(only[2]), cluster: only[3] === 'cluster' }]
  : ALL_SCENARIOS;

// ------------------------------------------------------------------ the servers

interface Target {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  /** Session tokens created at start, which the session mix addresses. */
  tokens: string[];
  stop(): Promise<void>;
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stopChild(child: ChildProcess): Promise<void> {
  const exited = waitForExit(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

async function startOurs(name: string, extraArgs: string[] = [], nodeArgsText = process.env.LOAD_SERVER_NODE_ARGS): Promise<Target> {
  const nodeArgs = nodeArgsText?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, CLI, '--host', '127.0.0.1', '--port', '0', '--log-level', 'info', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: process.env,
  });
  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /ws:\/\/127\.0\.0\.1:(\d+)/.exec(seen);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${seen}`)));
  });
  return { name, pid: child.pid!, port, tokens: [], stop: () => stopChild(child) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** C++ v0.7.4, with upstream's config file on a free port (it cannot bind port 0 itself). */
async function startReference(bin: string): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'nemesisdb-bench-ref-'));
  mkdirSync(join(dir, 'data'));
  const port = await freePort();
  const file = join(dir, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({ version: 5, core: 0, ip: '127.0.0.1', port, maxPayload: 8192, persist: { enabled: false, path: join(dir, 'data') } }),
  );
  const child = spawn(bin, [`--config=${file}`], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the C++ reference exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) break;
    if (Date.now() > deadline) throw new Error(`the C++ reference did not listen on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    name: 'C++ v0.7.4',
    pid: child.pid!,
    port,
    tokens: [],
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime (fields 14, 15)
}

// ------------------------------------------------------------------ frames

const MASK = Buffer.from([0x12, 0x34, 0x56, 0x78]);

/** A masked text frame, as a client must send it (RFC 6455 §5.2). */
function frame(text: string): Buffer {
  const payload = Buffer.from(text);
  const n = payload.length;
  const header = n < 126 ? Buffer.from([0x81, 0x80 | n]) : Buffer.from([0x81, 0x80 | 126, n >> 8, n & 0xff]);
  for (let i = 0; i < n; i++) payload[i]! ^= MASK[i & 3]!;
  return Buffer.concat([header, MASK, payload]);
}

/** Request frames for a mix, picked at random once, used round-robin. */
function requests(mix: Mix, tokens: string[], count: number): Buffer[] {
  const frames: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const r = Math.random();
    const tkn = tokens[Math.floor(Math.random() * tokens.length)];
    const key = `key${Math.floor(Math.random() * SESSION_POOL)}`;
    if (mix === 'own') {
      frames.push(
        frame(i % 2 === 0 ? `{"SH_SET":{"tkn":${tkn},"keys":{"k${i % 8}":${i}}}}` : `{"SH_GET":{"tkn":${tkn},"keys":["k${i % 8}"]}}`),
      );
    } else if (mix === 'session') {
      if (r < 0.1) frames.push(frame('{"SH_NEW":{}}'));
      else if (r < 0.55) frames.push(frame(`{"SH_SET":{"tkn":${tkn},"keys":{"name":"user${i}","visits":${i}}}}`));
      else frames.push(frame(`{"SH_GET":{"tkn":${tkn},"keys":["name","visits"]}}`));
    } else if (r < 0.5) {
      frames.push(frame(`{"KV_SET":{"keys":{"${key}":{"name":"user${i}","visits":${i}}}}}`));
    } else {
      frames.push(frame(`{"KV_GET":{"keys":["${key}"]}}`));
    }
  }
  return frames;
}

// ------------------------------------------------------------------ a connection

class LoadConnection {
  replies = 0;
  private buffered: Buffer = Buffer.alloc(0);
  private readonly sentAt: number[] = [];
  private next = 0;
  private running = false;
  latencies: number[] = [];
  private readonly waiting: ((text: string) => void)[] = [];
  private frames: Buffer[] = [];

  private constructor(private readonly socket: Socket) {}

  static async open(port: number): Promise<LoadConnection> {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('error', reject));
    socket.write(
      'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    const rest = await new Promise<Buffer>((resolve) => {
      let seen = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        seen = Buffer.concat([seen, chunk]);
        const end = seen.indexOf('\r\n\r\n');
        if (end >= 0) {
          socket.off('data', onData);
          resolve(seen.subarray(end + 4));
        }
      };
      socket.on('data', onData);
    });
    const connection = new LoadConnection(socket);
    connection.buffered = rest;
    socket.on('data', (chunk: Buffer) => connection.onData(chunk));
    return connection;
  }

  /** Sends requests (setup only), up to 64 at a time, and resolves with their reply texts. */
  async requestAll(texts: string[]): Promise<string[]> {
    const replies: string[] = [];
    for (let at = 0; at < texts.length; at += 64) {
      const batch = texts.slice(at, at + 64);
      const answered = batch.map(
        () =>
          new Promise<string>((resolve) => {
            this.waiting.push(resolve);
            this.sentAt.push(0);
          }),
      );
      this.socket.write(Buffer.concat(batch.map(frame)));
      replies.push(...(await Promise.all(answered)));
    }
    return replies;
  }

  /** Keeps `inFlight` requests outstanding, from `frames` round-robin, until stopped. */
  run(frames: Buffer[], inFlight: number): void {
    this.running = true;
    this.frames = frames;
    const burst: Buffer[] = [];
    for (let i = 0; i < inFlight; i++) burst.push(this.take());
    this.socket.write(Buffer.concat(burst));
  }

  stop(): void {
    this.running = false;
  }

  close(): void {
    this.socket.destroy();
  }

  private take(): Buffer {
    this.sentAt.push(performance.now());
    const f = this.frames[this.next]!;
    this.next = (this.next + 1) % this.frames.length;
    return f;
  }

  private onData(chunk: Buffer): void {
    let data = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const replacements: Buffer[] = [];
    for (;;) {
      if (data.length < 2) break;
      let length = data[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (data.length < 4) break;
        length = data.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (data.length < 10) break;
        length = Number(data.readBigUInt64BE(2));
        offset = 10;
      }
      if (data.length < offset + length) break;
      const opcode = data[0]! & 0x0f;
      if (opcode === 0x1) {
        const sent = this.sentAt.shift()!;
        this.replies++;
        const waiter = this.waiting.shift();
        if (waiter) waiter(data.toString('utf8', offset, offset + length));
        else if (this.running) {
          this.latencies.push(performance.now() - sent);
          replacements.push(this.take());
        }
      }
      data = data.subarray(offset + length);
    }
    this.buffered = data.length === 0 ? Buffer.alloc(0) : Buffer.from(data);
    if (replacements.length === 1) this.socket.write(replacements[0]!);
    else if (replacements.length > 1) this.socket.write(Buffer.concat(replacements));
  }
}

/** Creates the pool of sessions the session mix addresses. */
async function createSessions(target: Target): Promise<void> {
  const setup = await LoadConnection.open(target.port);
  const replies = await setup.requestAll(Array.from({ length: SESSION_POOL }, () => '{"SH_NEW":{}}'));
  target.tokens = replies.map((reply) => /"tkn":(\d+)/.exec(reply)![1]!);
  setup.close();
}

// ------------------------------------------------------------------ measuring

interface Measurement {
  opsPerSecond: number;
  p50: number;
  p99: number;
  cpuPerRequest: number;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function measure(target: Target, scenario: Scenario): Promise<Measurement> {
  const connections = await Promise.all(Array.from({ length: scenario.connections }, () => LoadConnection.open(target.port)));
  for (const c of connections) {
    const tokens = scenario.mix === 'own' ? [/"tkn":(\d+)/.exec((await c.requestAll(['{"SH_NEW":{}}']))[0]!)![1]!] : target.tokens;
    c.run(requests(scenario.mix, tokens, 4096), scenario.inFlight);
  }
  await new Promise((resolve) => setTimeout(resolve, WARMUP_SECONDS * 1000));
  const repliesBefore = connections.reduce((sum, c) => sum + c.replies, 0);
  for (const c of connections) c.latencies = [];
  const cpuBefore = cpuSeconds(target.pid);
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  const elapsed = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(target.pid) - cpuBefore;
  const replies = connections.reduce((sum, c) => sum + c.replies, 0) - repliesBefore;
  for (const c of connections) c.stop();
  const latencies = Float64Array.from(connections.flatMap((c) => c.latencies)).sort();
  for (const c of connections) c.close();
  // Let the server finish the requests still in flight before the next measurement starts.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return {
    opsPerSecond: replies / elapsed,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    cpuPerRequest: (cpu / replies) * 1e6,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The round whose ops/s is the median one (so its CPU and latency figures belong together). */
function medianRound(rounds: Measurement[]): Measurement {
  const ops = median(rounds.map((r) => r.opsPerSecond));
  return rounds.reduce((best, r) => (Math.abs(r.opsPerSecond - ops) < Math.abs(best.opsPerSecond - ops) ? r : best));
}

/** Spread of ops/s over the rounds, as ± half the range relative to the median. */
function spread(rounds: Measurement[]): string {
  if (rounds.length < 2) return '—';
  const ops = rounds.map((r) => r.opsPerSecond);
  return `±${(((Math.max(...ops) - Math.min(...ops)) / 2 / median(ops)) * 100).toFixed(0)} %`;
}

const kops = (value: number) => `${(value / 1000).toFixed(1)}k`;
const ms = (value: number) => value.toFixed(3);

async function main(): Promise<void> {
  const targets: Target[] = [];
  const stops: (() => Promise<void>)[] = [];
  let cluster: RedisCluster | null = null;
  try {
    const ours = await startOurs('ours');
    targets.push(ours);
    stops.push(ours.stop);
    let reference: Target | null = null;
    if (REF_BIN) {
      reference = await startReference(REF_BIN);
      targets.push(reference);
      stops.push(reference.stop);
    }
    let baseline: Target | null = null;
    if (process.env.LOAD_BASELINE_NODE_ARGS) {
      baseline = await startOurs('baseline', [], process.env.LOAD_BASELINE_NODE_ARGS);
      targets.push(baseline);
      stops.push(baseline.stop);
    }
    let onCluster: Target | null = null;
    const tools = findRedis();
    if (SCENARIOS.some((s) => s.cluster) && tools !== undefined && process.env.LOAD_CLUSTER !== '0') {
      cluster = await RedisCluster.start(tools);
      const nodes = cluster.seeds.map((seed) => `${seed.host}:${seed.port}`).join(',');
      onCluster = await startOurs('ours, cluster store', ['--store', 'redis', '--redis-nodes', nodes, '--redis-key-prefix', 'bench:']);
      stops.push(onCluster.stop);
    }
    for (const target of [...targets, ...(onCluster ? [onCluster] : [])]) await createSessions(target);

    const results = new Map<Scenario, Map<Target, Measurement[]>>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const scenario of SCENARIOS) {
        const runOn = [...targets, ...(scenario.cluster && onCluster ? [onCluster] : [])];
        // Rotate the order each round, so neither server always runs first after a pause.
        const order = runOn.map((_, i) => runOn[(i + round) % runOn.length]!);
        const byTarget = results.get(scenario) ?? new Map<Target, Measurement[]>();
        results.set(scenario, byTarget);
        for (const target of order) {
          const m = await measure(target, scenario);
          byTarget.set(target, [...(byTarget.get(target) ?? []), m]);
          process.stderr.write(
            `round ${round + 1}/${ROUNDS} ${scenario.mix} ${scenario.connections}×${scenario.inFlight} ${target.name}: ${kops(m.opsPerSecond)} ops/s, ${m.cpuPerRequest.toFixed(2)} µs/req\n`,
          );
        }
      }
    }
    print(results, ours, reference, onCluster, baseline);
  } finally {
    for (const stop of stops.reverse()) await stop();
    await cluster?.stop();
  }
}

function print(
  results: Map<Scenario, Map<Target, Measurement[]>>,
  ours: Target,
  reference: Target | null,
  onCluster: Target | null,
  baseline: Target | null,
): void {
  console.log(
    `\nnemesisdb load: Node ${process.version}, ${SECONDS} s per measurement, median of ${ROUNDS} interleaved rounds; ` +
      `server and load generator on one machine (server CPU µs/req = utime+stime of the server ÷ replies)`,
  );
  const header = ['row', 'ours ops/s', 'spread'];
  if (reference) header.push('C++ ops/s', 'ours ÷ C++', 'spread C++');
  header.push('ours CPU µs/req');
  if (reference) header.push('C++ CPU µs/req', 'C++ ÷ ours CPU');
  header.push('ours p50 / p99 ms');
  if (reference) header.push('C++ p50 / p99 ms');
  console.log(`\n| ${header.join(' | ')} |\n|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
  const mixName = (mix: Mix) => (mix === 'session' ? 'sessions mix' : mix === 'own' ? 'own session' : 'KV mix');
  for (const [scenario, byTarget] of results) {
    const mine = byTarget.get(ours)!;
    const m = medianRound(mine);
    const cells = [`${mixName(scenario.mix)} ${scenario.connections} × ${scenario.inFlight}`, kops(m.opsPerSecond), spread(mine)];
    const theirs = reference ? byTarget.get(reference) : undefined;
    const r = theirs ? medianRound(theirs) : undefined;
    if (reference)
      cells.push(
        r ? kops(r.opsPerSecond) : '—',
        r ? `${(m.opsPerSecond / r.opsPerSecond).toFixed(2)}×` : '—',
        theirs ? spread(theirs) : '—',
      );
    cells.push(m.cpuPerRequest.toFixed(2));
    if (reference) cells.push(r ? r.cpuPerRequest.toFixed(2) : '—', r ? `${(r.cpuPerRequest / m.cpuPerRequest).toFixed(2)}×` : '—');
    cells.push(`${ms(m.p50)} / ${ms(m.p99)}`);
    if (reference) cells.push(r ? `${ms(r.p50)} / ${ms(r.p99)}` : '—');
    console.log(`| ${cells.join(' | ')} |`);
  }
  if (onCluster) {
    console.log('\nthe cluster store (3 masters, 3 replicas on this machine) next to the memory store, same rounds:\n');
    console.log(
      '| row | memory ops/s | cluster ops/s | cluster ÷ memory | memory CPU µs/req | cluster CPU µs/req (server only) | cluster p50 / p99 ms |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const [scenario, byTarget] of results) {
      const rounds = byTarget.get(onCluster);
      if (!rounds) continue;
      const c = medianRound(rounds);
      const m = medianRound(byTarget.get(ours)!);
      console.log(
        `| ${mixName(scenario.mix)} ${scenario.connections} × ${scenario.inFlight} | ${kops(m.opsPerSecond)} | ${kops(c.opsPerSecond)} | ${(c.opsPerSecond / m.opsPerSecond).toFixed(2)}× | ${m.cpuPerRequest.toFixed(2)} | ${c.cpuPerRequest.toFixed(2)} | ${ms(c.p50)} / ${ms(c.p99)} |`,
      );
    }
  }
  if (baseline) {
    console.log(`\nours against the baseline (LOAD_BASELINE_NODE_ARGS=${process.env.LOAD_BASELINE_NODE_ARGS}), same rounds:\n`);
    console.log('| row | baseline ops/s | ours ops/s | baseline CPU µs/req | ours CPU µs/req | CPU per request |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const [scenario, byTarget] of results) {
      const b = medianRound(byTarget.get(baseline)!);
      const m = medianRound(byTarget.get(ours)!);
      console.log(
        `| ${mixName(scenario.mix)} ${scenario.connections} × ${scenario.inFlight} | ${kops(b.opsPerSecond)} | ${kops(m.opsPerSecond)} | ${b.cpuPerRequest.toFixed(2)} | ${m.cpuPerRequest.toFixed(2)} | ${(((m.cpuPerRequest - b.cpuPerRequest) / b.cpuPerRequest) * 100).toFixed(0)} % |`,
      );
    }
  }
  if (!reference) console.log('\n(set NDB_REF_BIN to the C++ v0.7.4 binary for its column: ../shared/reference/README.md)');
}

await main();
