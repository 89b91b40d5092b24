// Codec throughput next to native JSON and lossless-json, on the inputs the server sees most.
// Run with `pnpm bench` (figures vary with the machine; compare the ratio column).
import { parse as losslessParse, stringify as losslessStringify, isSafeNumber } from 'lossless-json';
import { Bench } from 'tinybench';
// The built package, as users get it (run `pnpm build` first; turbo does for `pnpm bench`).
import { decode, encode } from '@nemesisdb/protocol';

const TOKEN = '16351792548006066062';

/** A typical SH_SET: a 64-bit token and a small cart (about 200 bytes). */
const shSet = `{"SH_SET":{"tkn":${TOKEN},"keys":{"forename":"Billy","surname":"Bob","cart":[{"sku":"A-100","qty":2,"price":9.99},{"sku":"B-7","qty":1,"price":120}],"visits":42,"vip":false}}}`;
/** The same request with a small token: no integer beyond 2^53, nothing for the codec to rescue. */
const shSetSafe = shSet.replace(TOKEN, '260071646');
const shNewRsp = `{"SH_NEW_RSP":{"st":1,"tkn":${TOKEN}}}`;

function nestedValue(targetBytes: number): unknown {
  const value: Record<string, unknown> = {};
  for (let i = 0; JSON.stringify(value).length < targetBytes; i++) {
    value[`user${i}`] = {
      id: i,
      name: `User number ${i}`,
      email: `user${i}@example.com`,
      score: i * 1.25,
      active: i % 3 === 0,
      tags: ['alpha', 'beta', `t${i % 7}`],
      address: { street: `${i} Main St`, city: 'Springfield', zip: String(10000 + i), geo: { lat: 40.1 + i / 1000, lng: -75.2 } },
      history: [
        { at: 1700000000000 + i, kind: 'login' },
        { at: 1700000005000 + i, kind: 'view', page: '/home' },
      ],
    };
  }
  return value;
}
const big = JSON.stringify(nestedValue(64 * 1024));

const decodedShSet = decode(shSet, { exactNumbers: true });
const plainShSetSafe = JSON.parse(shSetSafe);
const decodedShNewRsp = decode(shNewRsp);
const decodedBig = decode(big);
const plainShNewRsp = JSON.parse(shNewRsp);
const losslessShNewRsp = losslessParse(shNewRsp);
const losslessBig = losslessParse(big);
// lossless-json's closest equivalent of our output: bigint for unsafe integers, numbers otherwise.
const losslessNumbers = (text: string) => (isSafeNumber(text) ? Number(text) : BigInt(text));

interface Case {
  name: string;
  bytes: number;
  ours: () => unknown;
  native: () => unknown;
  lossless: () => unknown;
}

const cases: Case[] = [
  {
    name: 'decode SH_SET, 64-bit token',
    bytes: shSet.length,
    ours: () => decode(shSet, { exactNumbers: true }),
    native: () => JSON.parse(shSet),
    lossless: () => losslessParse(shSet, null, losslessNumbers),
  },
  {
    name: 'decode SH_SET, safe token',
    bytes: shSetSafe.length,
    ours: () => decode(shSetSafe, { exactNumbers: true }),
    native: () => JSON.parse(shSetSafe),
    lossless: () => losslessParse(shSetSafe, null, losslessNumbers),
  },
  {
    name: 'decode SH_NEW_RSP, 64-bit token',
    bytes: shNewRsp.length,
    ours: () => decode(shNewRsp),
    native: () => JSON.parse(shNewRsp),
    lossless: () => losslessParse(shNewRsp, null, losslessNumbers),
  },
  {
    name: 'decode 64 KiB nested value',
    bytes: big.length,
    ours: () => decode(big),
    native: () => JSON.parse(big),
    lossless: () => losslessParse(big, null, losslessNumbers),
  },
  {
    name: 'encode SH_SET, 64-bit token',
    bytes: shSet.length,
    ours: () => encode(decodedShSet),
    native: () => JSON.stringify(JSON.parse(shSetSafe)),
    lossless: () => losslessStringify(losslessParse(shSet)),
  },
  {
    name: 'encode SH_SET, safe token',
    bytes: shSetSafe.length,
    ours: () => encode(plainShSetSafe),
    native: () => JSON.stringify(plainShSetSafe),
    lossless: () => losslessStringify(plainShSetSafe),
  },
  {
    name: 'encode SH_NEW_RSP, 64-bit token',
    bytes: shNewRsp.length,
    ours: () => encode(decodedShNewRsp),
    native: () => JSON.stringify(plainShNewRsp),
    lossless: () => losslessStringify(losslessShNewRsp),
  },
  {
    name: 'encode 64 KiB nested value',
    bytes: big.length,
    ours: () => encode(decodedBig),
    native: () => JSON.stringify(decodedBig),
    lossless: () => losslessStringify(losslessBig),
  },
];
// The encode baselines above write pre-built values; keep the SH_SET one free of parse cost too.
const plainShSet = JSON.parse(shSetSafe);
const losslessShSet = losslessParse(shSet);
cases[4] = { ...cases[4]!, native: () => JSON.stringify(plainShSet), lossless: () => losslessStringify(losslessShSet) };

const rows: Record<string, string | number>[] = [];
for (const c of cases) {
  const bench = new Bench({ time: 600, warmup: true, warmupTime: 200 });
  bench.add('ours', c.ours).add('native', c.native).add('lossless-json', c.lossless);
  await bench.run();
  const hz = (name: string) => {
    const result = bench.getTask(name)?.result;
    return result && 'throughput' in result ? result.throughput.mean : 0;
  };
  const ours = hz('ours');
  const native = hz('native');
  rows.push({
    case: c.name,
    bytes: c.bytes,
    'ours ops/s': Math.round(ours),
    'native ops/s': Math.round(native),
    'lossless-json ops/s': Math.round(hz('lossless-json')),
    'ours MB/s': Number(((ours * c.bytes) / 1e6).toFixed(1)),
    'native ÷ ours': Number((native / ours).toFixed(2)),
  });
}
console.log('\n@nemesisdb/protocol codec (Node ' + process.version + ')');
console.table(rows);
console.log('Targets: native ÷ ours ≤ 1.5 without big integers, ≤ 3 with them.');
