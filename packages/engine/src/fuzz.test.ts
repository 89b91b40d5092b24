// Fuzzing the engine: random requests of every command, well-formed or not, and random text.
// Invariants: it never throws, every request gets exactly one reply in a documented envelope with a
// known status, and data written by well-behaved clients is never changed by the others.
import fc from 'fast-check';
import { COMMAND_NAMES, Status, decode, encode } from '@nemesisdb/protocol';
import { describe, expect, it } from 'vitest';
import { Engine } from './engine.js';
import { isPromise } from './maybe-promise.js';

/** Runs per property; `FUZZ_RUNS=200000 vitest run src/fuzz.test.ts` for a long session. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
const KNOWN_STATUSES = new Set<number>(Object.values(Status));

/** Commands whose legitimate effect is to wipe everyone's data: not sent by the fuzzer. */
const WIPING = new Set(['KV_CLEAR', 'KV_CLEAR_SET', 'SH_END_ALL', 'SH_LOAD', 'KV_LOAD']);

const member = fc.oneof(
  fc.constantFrom(
    'tkn',
    'tkns',
    'keys',
    'key',
    'expiry',
    'duration',
    'deleteSession',
    'extendOnGet',
    'extendOnSetAdd',
    'name',
    'path',
    'rsp',
    'items',
    'value',
    '__proto__',
  ),
  fc.string({ maxLength: 8 }),
);
/** Key names the fuzzer may touch: never the protected ones. */
const keyName = fc.string({ maxLength: 8 }).filter((name) => !name.startsWith('protected'));
const scalar = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
  keyName,
  fc.constantFrom('$', '$.a', '$..x', '$[?(@.a > 1)]', '$[', 'keys', 'paths', 'kv', '18446744073709551615'),
);
const value: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(keyName, tie('value'), { maxKeys: 4 }),
  ),
})).value;
const body = fc.oneof(
  fc.dictionary(member, value, { maxKeys: 5 }),
  value,
  fc.record({
    tkn: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), scalar),
    keys: fc.oneof(fc.dictionary(keyName, value, { maxKeys: 3 }), fc.array(keyName, { maxLength: 3 })),
  }),
  fc.record({
    expiry: fc.record({ duration: fc.oneof(fc.nat({ max: 3 }), scalar), deleteSession: fc.boolean(), extendOnGet: fc.boolean() }),
  }),
  fc.record({ key: keyName, path: scalar, value, items: fc.array(value, { maxLength: 3 }), name: keyName, rsp: scalar }),
);
const commandName = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...COMMAND_NAMES.filter((name) => !WIPING.has(name))) },
  { weight: 1, arbitrary: fc.constantFrom('SH_OPEN', 'KV_SETQ', 'SV_FOO', 'ARR_SET', 'NOPE', 'kv_set', '') },
);
const request = fc.oneof(
  { weight: 10, arbitrary: fc.tuple(commandName, body).map(([name, content]) => ({ [name]: content })) },
  { weight: 1, arbitrary: value },
);

function reply(engine: Engine, text: string): unknown {
  const answer = engine.execute(text);
  if (isPromise(answer)) throw new Error('the in-memory engine answers synchronously');
  return decode(answer);
}

function checkEnvelope(envelope: unknown, requestName: string | undefined): void {
  expect(typeof envelope).toBe('object');
  const names = Object.keys(envelope as object);
  expect(names).toHaveLength(1);
  const name = names[0]!;
  if (name !== 'ERR' && requestName !== undefined) expect(name).toBe(`${requestName}_RSP`);
  const st = (envelope as Record<string, { st: unknown }>)[name]!.st;
  expect(KNOWN_STATUSES.has(st as number)).toBe(true);
}

describe('engine fuzzing', () => {
  it('answers every request, of every command, well-formed or not, and leaves others’ data alone', () => {
    const engine = new Engine();
    const protectedToken = (decode(engine.execute('{"SH_NEW":{}}') as string) as { SH_NEW_RSP: { tkn: bigint } }).SH_NEW_RSP.tkn;
    const sessionData = '{"a":1,"nested":{"b":[1,2,{"c":18446744073709551615}]}}';
    engine.execute(`{"SH_SET":{"tkn":${protectedToken},"keys":${sessionData}}}`);
    engine.execute('{"KV_SET":{"keys":{"protected:1":{"x":[1,2]},"protected:2":"text"}}}');
    const snapshot = () => [
      engine.execute(`{"SH_GET":{"tkn":${protectedToken},"keys":["a","nested"]}}`),
      engine.execute('{"KV_GET":{"keys":["protected:1","protected:2"]}}'),
    ];
    const before = snapshot();

    fc.assert(
      fc.property(request, (req) => {
        const text = encode(req);
        const name =
          typeof req === 'object' && req !== null && !Array.isArray(req) && Object.keys(req).length === 1 ? Object.keys(req)[0] : undefined;
        checkEnvelope(reply(engine, text), name);
      }),
      { numRuns: RUNS },
    );
    expect(snapshot()).toEqual(before);
    engine.close();
  });

  it('answers any text: JSON or not, deep or not, with a documented envelope', () => {
    const engine = new Engine();
    const text = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.json({ maxDepth: 4 }),
      fc.tuple(fc.nat({ max: 1500 }), fc.constantFrom('[', '{"a":')).map(([depth, open]) => open.repeat(depth)),
      fc.constantFrom('', ' ', '\u0000', '{"SH_NEW":{}} {}', '/*', '{"KV_SET":{"keys":{"a":1e999}}}'),
    );
    fc.assert(
      fc.property(text, (input) => {
        checkEnvelope(reply(engine, input), undefined);
      }),
      { numRuns: RUNS },
    );
    engine.close();
  });
});
