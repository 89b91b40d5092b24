// Load benchmark: a load generator on loopback against the `nemesisdb` app, as a separate process.
//
// The generator writes pre-built, pre-masked WebSocket frames on raw TCP sockets and only counts
// reply frames (no JSON parsing on the hot path), so that on a two-core machine most of the
// client's core is left for sending; the fair figure is the server's CPU time per request, read
// from /proc/PID/stat. Run with `pnpm bench` (after `pnpm build`).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const SECONDS = Number(process.env.LOAD_SECONDS ?? 4);
const WARMUP_SECONDS = 1;
const SESSION_POOL = 10_000;
const CLK_TCK = 100; // Linux USER_HZ

interface Scenario {
  mix: 'session' | 'kv';
  connections: number;
  inFlight: number;
}

const ALL_SCENARIOS: Scenario[] = [
  { mix: 'session', connections: 1, inFlight: 1 },
  { mix: 'session', connections: 1, inFlight: 64 },
  { mix: 'session', connections: 4, inFlight: 64 },
  { mix: 'session', connections: 16, inFlight: 64 },
  { mix: 'kv', connections: 1, inFlight: 1 },
  { mix: 'kv', connections: 1, inFlight: 64 },
  { mix: 'kv', connections: 4, inFlight: 64 },
  { mix: 'kv', connections: 16, inFlight: 64 },
];

// LOAD_ONLY=session:16:64 runs one row (mix:connections:in-flight), for profiling.
const only = process.env.LOAD_ONLY?.split(':');
const SCENARIOS = only
  ? [{ mix: only[0] as Scenario['mix'], connections: Number(only[1]), inFlight: Number(only[2]) }]
  : ALL_SCENARIOS;

// ------------------------------------------------------------------ the server process

async function startServer(): Promise<{ child: ChildProcess; port: number }> {
  // LOAD_SERVER_NODE_ARGS (e.g. "--cpu-prof") profiles the server under load.
  const nodeArgs = process.env.LOAD_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, CLI, '--host', '127.0.0.1', '--port', '0', '--log-level', 'info'], {
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
  return { child, port };
}

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime (fields 14, 15)
}

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)![1]) / 1024;
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
function requests(mix: Scenario['mix'], tokens: string[], count: number): Buffer[] {
  const frames: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const r = Math.random();
    const tkn = tokens[Math.floor(Math.random() * tokens.length)];
    const key = `key${Math.floor(Math.random() * SESSION_POOL)}`;
    if (mix === 'session') {
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
  onReply: ((text: string) => void) | null = null;

  private constructor(private readonly socket: Socket) {}

  static async open(port: number): Promise<LoadConnection> {
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
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

  /** Sends one request and waits for its reply text (setup only). */
  request(text: string): Promise<string> {
    return new Promise((resolve) => {
      this.onReply = (reply) => {
        this.onReply = null;
        resolve(reply);
      };
      this.sentAt.push(0);
      this.socket.write(frame(text));
    });
  }

  /** Keeps `inFlight` requests outstanding, from `frames` round-robin, until stopped. */
  run(frames: Buffer[], inFlight: number): void {
    this.running = true;
    const burst: Buffer[] = [];
    for (let i = 0; i < inFlight; i++) burst.push(this.take(frames));
    this.socket.write(Buffer.concat(burst));
    this.frames = frames;
  }

  stop(): void {
    this.running = false;
  }

  close(): void {
    this.socket.destroy();
  }

  private frames: Buffer[] = [];

  private take(frames: Buffer[]): Buffer {
    this.sentAt.push(performance.now());
    const f = frames[this.next]!;
    this.next = (this.next + 1) % frames.length;
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
        if (this.onReply) this.onReply(data.toString('utf8', offset, offset + length));
        else if (this.running) {
          this.latencies.push(performance.now() - sent);
          replacements.push(this.take(this.frames));
        }
      }
      data = data.subarray(offset + length);
    }
    this.buffered = data.length === 0 ? Buffer.alloc(0) : Buffer.from(data);
    if (replacements.length === 1) this.socket.write(replacements[0]!);
    else if (replacements.length > 1) this.socket.write(Buffer.concat(replacements));
  }
}

// ------------------------------------------------------------------ scenarios

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function runScenario(port: number, pid: number, scenario: Scenario, tokens: string[]) {
  const connections = await Promise.all(Array.from({ length: scenario.connections }, () => LoadConnection.open(port)));
  for (const c of connections) c.run(requests(scenario.mix, tokens, 4096), scenario.inFlight);
  await new Promise((resolve) => setTimeout(resolve, WARMUP_SECONDS * 1000));
  const repliesBefore = connections.reduce((sum, c) => sum + c.replies, 0);
  for (const c of connections) c.latencies = [];
  const cpuBefore = cpuSeconds(pid);
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  const elapsed = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(pid) - cpuBefore;
  const replies = connections.reduce((sum, c) => sum + c.replies, 0) - repliesBefore;
  for (const c of connections) c.stop();
  const latencies = Float64Array.from(connections.flatMap((c) => c.latencies)).sort();
  for (const c of connections) c.close();
  return {
    mix: scenario.mix,
    connections: scenario.connections,
    'in flight': scenario.inFlight,
    'ops/s': Math.round(replies / elapsed),
    'p50 ms': Number(percentile(latencies, 0.5).toFixed(3)),
    'p99 ms': Number(percentile(latencies, 0.99).toFixed(3)),
    'server CPU µs/req': Number(((cpu / replies) * 1e6).toFixed(2)),
    'server peak RSS MiB': Math.round(peakRssMiB(pid)),
  };
}

const { child, port } = await startServer();
try {
  const setup = await LoadConnection.open(port);
  const tokens: string[] = [];
  for (let i = 0; i < SESSION_POOL; i++) {
    const reply = await setup.request('{"SH_NEW":{}}');
    tokens.push(/"tkn":(\d+)/.exec(reply)![1]!);
  }
  setup.close();
  const rows = [];
  for (const scenario of SCENARIOS) rows.push(await runScenario(port, child.pid!, scenario, tokens));
  console.log(`\nnemesisdb load (Node ${process.version}, ${SECONDS} s per row, server and generator on one machine)`);
  console.table(rows);
  console.log('C++ NemesisDB v0.7.4 on this machine class: 131k–149k ops/s at 64 in flight, ~6.2 µs server CPU per request;');
  console.log('16k ops/s, p50 0.06 ms at one in flight; ~140–170 MiB RSS after ~60k sessions.');
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}
