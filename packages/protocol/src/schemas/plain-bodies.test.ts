import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode } from '../codec/decode.js';
import { JsonDouble } from '../codec/json-value.js';
import { commands, type CommandName } from './commands.js';
import { PLAIN_BODIES } from './plain-bodies.js';
import { MAX_UINT64 } from './primitives.js';
import { checkRequest } from './validate.js';

const PLAIN_COMMANDS = Object.keys(PLAIN_BODIES) as CommandName[];
const TOKEN = '16351792548006066062';

/** Member values of every kind a decoded body can hold, the edges of each check among them. */
const memberValue = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, '', 'x', TOKEN, '042', [], {}, new JsonDouble(1), 0, -1, 1.5, 42),
  fc.bigInt({ min: -5n, max: MAX_UINT64 + 5n }),
  fc.constantFrom(0n, MAX_UINT64, MAX_UINT64 + 1n, -1n),
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.string(), fc.integer(), fc.bigInt())),
  fc.constant(Object.assign(Object.create(null) as object, { k: 1 })),
  fc.record({ duration: fc.oneof(fc.nat(), fc.constant(-1), fc.constant('60')), deleteSession: fc.oneof(fc.boolean(), fc.constant(1)) }),
);

/** Bodies made of the members the plain checks look at, and others. */
const body = fc.dictionary(fc.constantFrom('tkn', 'keys', 'expiry', 'name', 'shared', 'other'), memberValue, { maxKeys: 4 });

describe('plain request bodies (checked without zod)', () => {
  it('are only bodies the schema accepts unchanged', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PLAIN_COMMANDS), body, (command, candidate) => {
        if (!PLAIN_BODIES[command]!(candidate)) return;
        const parsed = commands[command].request.safeParse(candidate);
        expect(parsed.success).toBe(true);
        expect(parsed.data).toStrictEqual({ ...candidate });
      }),
      { numRuns: 20_000 },
    );
  });

  // If a check stopped recognizing these, nothing would be wrong but the cost: zod again.
  it.each<[CommandName, string]>([
    ['SH_NEW', '{}'],
    ['SH_NEW', '{"name":"n","shared":true}'],
    ['SH_SET', `{"tkn":${TOKEN},"keys":{"name":"user1","visits":3}}`],
    ['SH_ADD', `{"tkn":${TOKEN},"keys":{}}`],
    ['SH_GET', `{"tkn":${TOKEN},"keys":["name","visits"]}`],
    ['SH_RMV', `{"tkn":${TOKEN},"keys":["a"]}`],
    ['SH_END', `{"tkn":${TOKEN}}`],
    ['SH_COUNT', `{"tkn":${TOKEN}}`],
    ['SH_KEYS', `{"tkn":${TOKEN}}`],
    ['SH_CONTAINS', `{"tkn":${TOKEN},"keys":[]}`],
    ['KV_SET', '{"keys":{"k":{"a":[1,2]}}}'],
    ['KV_ADD', '{"keys":{}}'],
    ['KV_GET', '{"keys":["k"]}'],
    ['KV_RMV', '{"keys":["k"]}'],
    ['KV_CONTAINS', '{"keys":[]}'],
  ])('recognize a usual %s: %s', (command, text) => {
    // Decoded as a server decodes a whole request (the members of `keys` in a prototype-less object).
    const request = decode(`{"${command}":${text}}`, { exactNumbers: true, requestMaps: true }) as Record<string, unknown>;
    const decoded = request[command];
    expect(PLAIN_BODIES[command]!(decoded as Record<string, unknown>)).toBe(true);
    // …and checkRequest answers with the body itself, as zod would have (a copy of it).
    expect(checkRequest(command, decoded)).toEqual({ ok: true, body: decoded });
    expect((checkRequest(command, decoded) as { body: unknown }).body).toBe(decoded);
  });

  it.each<[CommandName, string, number]>([
    ['SH_SET', `{"tkn":${TOKEN},"keys":[]}`, 41],
    ['SH_GET', '{"tkn":-1,"keys":[]}', 100],
    ['SH_GET', '{"keys":[]}', 100],
    ['SH_RMV', `{"tkn":${TOKEN},"keys":[]}`, 42],
    ['KV_RMV', '{"keys":[]}', 42],
    ['KV_SET', '{"keys":null}', 41],
    ['SH_NEW', '{"expiry":{"duration":-1}}', 41],
  ])('leave the rest to zod: %s %s → %i', (command, text, st) => {
    expect(checkRequest(command, decode(text, { exactNumbers: true }))).toMatchObject({ ok: false, st });
  });
});
