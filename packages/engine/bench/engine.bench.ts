// Engine-only figures: commands per second without sockets, memory per session, and the
// measurement behind the choice of bigint session keys. Run with `pnpm bench` (needs --expose-gc).
import { randomBytes } from 'node:crypto';
import { decode } from '@nemesisdb/protocol';
import { Bench } from 'tinybench';
// The built package, as users get it (run `pnpm build` first; turbo does for `pnpm bench`).
import { Engine } from '@nemesisdb/engine';
import { TokenMap, isPromise } from '@nemesisdb/engine/internal';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

function opsPerSecond(bench: Bench, name: string): number {
  const result = bench.getTask(name)?.result;
  return result && 'throughput' in result ? result.throughput.mean : 0;
}

function sync<T>(value: T | Promise<T>): T {
  if (isPromise(value)) throw new Error('the in-memory engine answers synchronously');
  return value;
}

// ------------------------------------------------------------------ commands per second

const SESSIONS = 100_000;
const engine = new Engine();
const tokens: bigint[] = [];
for (let i = 0; i < SESSIONS; i++) {
  const reply = sync(engine.executeRequest({ SH_NEW: {} })) as { SH_NEW_RSP: { tkn: bigint } };
  tokens.push(reply.SH_NEW_RSP.tkn);
  sync(
    engine.executeRequest(
      decode(`{"SH_SET":{"tkn":${reply.SH_NEW_RSP.tkn},"keys":{"name":"user${i}","visits":${i}}}}`, { exactNumbers: true }),
    ),
  );
  sync(engine.executeRequest(decode(`{"KV_SET":{"keys":{"key${i}":{"name":"user${i}","visits":${i}}}}}`, { exactNumbers: true })));
}

// Requests are decoded once up front: these figures are the engine alone (validation, store, reply).
const shGet = tokens.map((tkn) => decode(`{"SH_GET":{"tkn":${tkn},"keys":["name","visits"]}}`, { exactNumbers: true }));
const shSet = tokens.map((tkn) => decode(`{"SH_SET":{"tkn":${tkn},"keys":{"name":"someone","visits":7}}}`, { exactNumbers: true }));
const kvGet = tokens.map((_, i) => decode(`{"KV_GET":{"keys":["key${i}"]}}`));
const kvSet = tokens.map((_, i) => decode(`{"KV_SET":{"keys":{"key${i}":{"name":"someone","visits":7}}}}`));
const shGetText = tokens.map((tkn) => `{"SH_GET":{"tkn":${tkn},"keys":["name","visits"]}}`);
const shSetText = tokens.map((tkn) => `{"SH_SET":{"tkn":${tkn},"keys":{"name":"someone","visits":7}}}`);
// As many distinct key names as sessions: a KV store's usual traffic, and the case where reading
// the `keys` map into a JavaScript object per request costs most (one hidden class per name).
const kvSetText = tokens.map((_, i) => `{"KV_SET":{"keys":{"key${i}":{"name":"someone","visits":7}}}}`);
const kvGetText = tokens.map((_, i) => `{"KV_GET":{"keys":["key${i}"]}}`);

// Each task runs a batch of 1,000 commands so that the harness's own timing per call does not
// dominate a sub-microsecond operation.
const BATCH = 1000;
let cursor = 0;
const batch = (run: (i: number) => unknown) => () => {
  for (let n = 0; n < BATCH; n++) {
    run(cursor);
    cursor = cursor + 1 === SESSIONS ? 0 : cursor + 1;
  }
};
const newEngine = new Engine();

const bench = new Bench({ time: 1500, warmup: true, warmupTime: 300 });
/** Each operation timed, by name: `i` picks this round's request. */
const OPERATIONS: [name: string, run: (i: number) => unknown][] = [
  ['SH_NEW', () => newEngine.executeRequest({ SH_NEW: {} })],
  ['SH_SET (2 keys)', (i) => engine.executeRequest(shSet[i])],
  ['SH_GET (2 keys)', (i) => engine.executeRequest(shGet[i])],
  ['KV_SET', (i) => engine.executeRequest(kvSet[i])],
  ['KV_GET', (i) => engine.executeRequest(kvGet[i])],
  ['SH_SET text in, text out', (i) => engine.execute(shSetText[i]!)],
  ['SH_GET text in, text out', (i) => engine.execute(shGetText[i]!)],
  ['KV_SET text in, text out', (i) => engine.execute(kvSetText[i]!)],
  ['KV_GET text in, text out', (i) => engine.execute(kvGetText[i]!)],
];
for (const [name, run] of OPERATIONS) bench.add(name, batch(run));
await bench.run();

console.log(`\n@nemesisdb/engine (Node ${process.version}), ${SESSIONS.toLocaleString()} sessions with 2 keys`);
console.table(
  bench.tasks.map((task) => ({
    command: task.name,
    'ops/s': Math.round(opsPerSecond(bench, task.name) * BATCH),
    'µs/op': Number((1e6 / (opsPerSecond(bench, task.name) * BATCH)).toFixed(2)),
  })),
);
console.log('Target: ≥ 1,000,000 engine ops/s for SH_GET. "text in, text out" adds decode and encode.');
engine.close();
newEngine.close();

// ------------------------------------------------------------------ memory per session

/** The heap, and the typed arrays outside it (the sessions' token index is one). */
function memoryUsed(): number {
  gc!();
  gc!();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/**
 * Heap bytes per session for 1M sessions made by `fill`. In a function of its own, so that no
 * interpreter register of the caller keeps an engine alive into the next measurement.
 */
function memoryPerSession(fill: (engine: Engine, i: number) => void, COUNT = 1_000_000): number {
  const memoryEngine = new Engine();
  const before = memoryUsed();
  for (let i = 0; i < COUNT; i++) fill(memoryEngine, i);
  const perSession = (memoryUsed() - before) / COUNT;
  // Keep the engine alive until measured.
  if (sync(memoryEngine.executeRequest({ SH_INFO_ALL: {} })) === undefined) console.log('unreachable');
  memoryEngine.close();
  return perSession;
}

const withKeys = memoryPerSession((memoryEngine, i) => {
  const reply = sync(memoryEngine.executeRequest({ SH_NEW: {} })) as { SH_NEW_RSP: { tkn: bigint } };
  // Decoded from text, as from the wire: each session owns its strings.
  sync(
    memoryEngine.executeRequest(
      decode(`{"SH_SET":{"tkn":${reply.SH_NEW_RSP.tkn},"keys":{"name":"user${i}","visits":${i}}}}`, { exactNumbers: true }),
    ),
  );
});
console.log(
  `\nMemory: ${withKeys.toFixed(0)} bytes per session (1M sessions, 2 small keys each, heap + typed arrays delta / 1M). Target ≤ 400.`,
);
// Sessions made and not written yet (a web app's visitors before their first write): they share
// one empty key map.
const withoutKeys = memoryPerSession((memoryEngine) => sync(memoryEngine.executeRequest({ SH_NEW: {} })));
console.log(`Memory: ${withoutKeys.toFixed(0)} bytes per session without keys (1M SH_NEW, heap + typed arrays delta / 1M).`);
// A web session (express-session's shape) written as request text, as the server is given it:
// what a session costs when its strings are longer than V8 copies on a slice (13 characters).
const EXPRESS_SESSIONS = 200_000;
const expressSession = memoryPerSession((memoryEngine, i) => {
  const tkn = /"tkn":(\d+)/.exec(sync(memoryEngine.execute('{"SH_NEW":{}}')))![1];
  const session = `{"cookie":{"originalMaxAge":86400000,"expires":"2026-12-08T10:${String(i % 60).padStart(2, '0')}:00.000Z","httpOnly":true,"path":"/"},"userId":"user-${i}@example.com","cart":["apple","pear"]}`;
  sync(memoryEngine.execute(`{"SH_SET":{"tkn":${tkn},"keys":{"sess":${session}}}}`));
}, EXPRESS_SESSIONS);
console.log(
  `Memory: ${expressSession.toFixed(0)} bytes per session holding an express-session (200k SH_SET as text, heap + typed arrays delta / 200k).`,
);

// ------------------------------------------------------------------ token key representation

{
  const COUNT = 200_000;
  const raw = Array.from({ length: COUNT }, () => randomBytes(8).readBigUInt64BE());
  const byBigint = new Map<bigint, number>();
  const byString = new Map<string, number>();
  const byPair = new Map<number, Map<number, number>>();
  const byTable = new TokenMap<{ token: bigint; i: number }>();
  raw.forEach((token, i) => {
    byBigint.set(token, i);
    byTable.set({ token, i });
    byString.set(token.toString(), i);
    const high = Number(token >> 32n);
    let inner = byPair.get(high);
    if (inner === undefined) byPair.set(high, (inner = new Map()));
    inner.set(Number(token & 0xffffffffn), i);
  });
  // Probes are fresh values, as each request decodes its own token.
  const probes = raw.slice(0, 4096).map((token) => BigInt(token.toString()));
  let i = 0;
  const keys = new Bench({ time: 500 });
  keys
    .add('TokenMap (open addressing, low bits inline)', () => byTable.get(probes[i++ & 4095]!))
    .add('Map<bigint> (decoded token as is)', () => byBigint.get(probes[i++ & 4095]!))
    .add('Map<string> (token.toString())', () => byString.get(probes[i++ & 4095]!.toString()))
    .add('two Map<number> levels (32-bit halves)', () => {
      const token = probes[i++ & 4095]!;
      return byPair.get(Number(token >> 32n))?.get(Number(token & 0xffffffffn));
    });
  await keys.run();
  console.log(`\nSession key representation (lookup among ${COUNT.toLocaleString()} tokens):`);
  console.table(
    keys.tasks.map((task) => ({ representation: task.name, 'ns/lookup': Number((1e9 / opsPerSecond(keys, task.name)).toFixed(0)) })),
  );
}
