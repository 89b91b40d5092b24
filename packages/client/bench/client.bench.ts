// Client benchmark: pipelined `s.get` on one connection against the `nemesisdb` app (a separate
// process on loopback), next to a raw `ws` client that sends the same pre-encoded request (with the
// same write batching) and only counts replies. The difference between the two rows of a depth is the SDK's own cost: request
// encoding, the FIFO, reply decoding, schema parsing and promise bookkeeping. "client CPU µs/op"
// is this process's CPU time per call, the clearest view of that cost. Run with `pnpm bench`
// (after `pnpm build`); CLIENT_BENCH_OPS sets the calls per row.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { NemesisClient, type Session } from '../src/index.js';

const CLI = fileURLToPath(new URL('../../../apps/server/dist/cli.js', import.meta.url));
const OPS = Number(process.env.CLIENT_BENCH_OPS ?? 100_000);
const DEPTHS = [1, 16, 256];

async function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, '--host', '127.0.0.1', '--port', '0', '--log-level', 'info'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /"url":"(ws:\/\/127\.0\.0\.1:\d+)".*"msg":"listening"|"msg":"listening".*"url":"(ws:\/\/127\.0\.0\.1:\d+)"/.exec(seen);
      if (match) resolve((match[1] ?? match[2])!);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${seen}`)));
  });
  return { child, url };
}

interface Row {
  client: string;
  depth: number;
  ops: number;
  seconds: number;
  cpuMicros: number;
}

/** Keeps `depth` calls in flight until `ops` have completed. */
async function pipelined(ops: number, depth: number, call: () => Promise<unknown>): Promise<void> {
  let started = 0;
  const lane = async () => {
    while (started < ops) {
      started++;
      await call();
    }
  };
  await Promise.all(Array.from({ length: depth }, lane));
}

async function measure(client: string, depth: number, ops: number, run: () => Promise<void>): Promise<Row> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  return { client, depth, ops, seconds, cpuMicros: used.user + used.system };
}

/** A raw ws client: the same request text, replies counted in order, nothing decoded. */
async function rawClient(url: string): Promise<{ get: (text: string) => Promise<void>; close: () => void }> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const waiting: (() => void)[] = [];
  let head = 0;
  socket.on('message', () => {
    const resolve = waiting[head++]!;
    if (head > 4096) {
      waiting.splice(0, head);
      head = 0;
    }
    resolve();
  });
  // Corked per tick like the SDK's Node transport, so that both rows pay for the same syscalls.
  const tcp = (socket as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
  let corked = false;
  return {
    get: (text) =>
      new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (!corked) {
          corked = true;
          tcp.cork();
          process.nextTick(() => {
            corked = false;
            tcp.uncork();
          });
        }
        socket.send(text);
      }),
    close: () => socket.close(),
  };
}

async function main(): Promise<void> {
  const { child, url } = await startServer();
  try {
    const db = await NemesisClient.connect(url);
    const s: Session = await db.sessions.create();
    await s.set({
      cart: [
        { sku: 'A-1', qty: 2 },
        { sku: 'B-7', qty: 1 },
      ],
      user: { id: 2n ** 60n, name: 'Ann' },
    });
    const raw = await rawClient(url);
    const text = `{"SH_GET":{"tkn":${s.token},"keys":["cart"]}}`;

    // Warm up both paths (JIT, socket buffers).
    await pipelined(20_000, 64, () => s.get(['cart']));
    await pipelined(20_000, 64, () => raw.get(text));

    const rows: Row[] = [];
    for (const depth of DEPTHS) {
      const ops = depth === 1 ? Math.min(OPS, 20_000) : OPS;
      rows.push(await measure('raw ws (no decoding)', depth, ops, () => pipelined(ops, depth, () => raw.get(text))));
      rows.push(await measure('@nemesisdb/client s.get', depth, ops, () => pipelined(ops, depth, () => s.get(['cart']))));
    }
    raw.close();
    await db.close();

    console.log(`\nClient throughput, SH_GET of one key on one connection (Node ${process.version}, server on loopback):\n`);
    console.table(
      rows.map((row) => ({
        client: row.client,
        'in flight': row.depth,
        calls: row.ops,
        'ops/s': Math.round(row.ops / row.seconds).toLocaleString('en-US'),
        'µs/op': ((row.seconds * 1e6) / row.ops).toFixed(2),
        'client CPU µs/op': (row.cpuMicros / row.ops).toFixed(2),
      })),
    );
  } finally {
    child.kill('SIGTERM');
  }
}

await main();
