// The receive path alone, in one process: CPU time per small text message through ws's Receiver
// and through the fast path (@nemesisdb/protocol/ws-fast-receiver), interleaved over several rounds. A raw client
// writes bursts of 64 masked frames (what a pipelining client sends) and the server side only
// counts messages, so the figure is the cost of getting a message from the socket to the listener
// as a string. Run: node --import tsx bench/receive.bench.ts (from packages/server).
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { installFastReceiver } from '@nemesisdb/protocol/ws-fast-receiver';

const MESSAGES = Number(process.env.RECEIVE_MESSAGES ?? 400_000);
const ROUNDS = Number(process.env.RECEIVE_ROUNDS ?? 5);
const MASK = [0x12, 0x34, 0x56, 0x78];

function frame(text: string): Buffer {
  const payload = Buffer.from(text);
  for (let i = 0; i < payload.length; i++) payload[i]! ^= MASK[i & 3]!;
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length, ...MASK]), payload]);
}

const requests = [
  '{"SH_GET":{"tkn":16351792548006066062,"keys":["name","visits"]}}',
  '{"SH_SET":{"tkn":16351792548006066062,"keys":{"name":"user1","visits":1}}}',
  '{"KV_GET":{"keys":["key123"]}}',
];

async function run(fast: boolean): Promise<number> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false, maxPayload: 1024 * 1024 });
  await new Promise((resolve) => wss.once('listening', resolve));
  let received = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  let startCpu = process.cpuUsage();
  const count = () => {
    if (++received === MESSAGES) done();
  };
  wss.on('connection', (ws: WebSocket) => {
    if (fast) installFastReceiver(ws, { from: 'client', maxPayload: 1024 * 1024, onText: (text) => text.length >= 0 && count() });
    ws.on('message', (data: Buffer) => data.toString().length >= 0 && count());
  });
  const socket = connect((wss.address() as AddressInfo).port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(
    'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  await new Promise((resolve) => socket.once('data', resolve));
  const burst = Buffer.concat(Array.from({ length: 64 }, (_, i) => frame(requests[i % requests.length]!)));
  startCpu = process.cpuUsage();
  // Bursts are written unchanged (the server unmasks a copy: each write hands the kernel its bytes).
  for (let sent = 0; sent < MESSAGES; sent += 64) {
    if (!socket.write(burst)) await new Promise((resolve) => socket.once('drain', resolve));
  }
  await finished;
  const cpu = process.cpuUsage(startCpu);
  socket.destroy();
  await new Promise((resolve) => wss.close(resolve));
  return ((cpu.user + cpu.system) / MESSAGES) * 1000; // ns per message (client writes included)
}

const results: { ws: number[]; fast: number[] } = { ws: [], fast: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const fast of round % 2 === 0 ? [false, true] : [true, false]) results[fast ? 'fast' : 'ws'].push(await run(fast));
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
console.log(
  `\nreceive path, ${MESSAGES.toLocaleString('en-US')} messages of 30–75 bytes in bursts of 64, ${ROUNDS} interleaved rounds (process CPU per message, generator included):`,
);
console.log(`| path | median ns/message | rounds |\n|---|---:|---|`);
for (const [name, values] of Object.entries(results))
  console.log(
    `| ${name === 'ws' ? "ws's Receiver" : 'fast path'} | ${median(values).toFixed(0)} | ${values.map((v) => v.toFixed(0)).join(', ')} |`,
  );
