// Shared sessions' contract (an extension, from upstream v0.6): `SH_NEW` with `shared: true` and a
// `name`, `SH_OPEN` by name, and the name → token index kept exact under SH_END and SH_END_ALL.
// Run over every data store, like the SH commands' contract; expiry of shared sessions is in the
// expiry contract (it needs a manual clock).
import { describe, expect, it } from 'vitest';
import { answersEach, decodedToken, type ContractHarness } from './harness.js';

const MISSING = { m: 'Missing parameter', st: 26, tkn: null };
const TYPE = { m: 'Param type incorrect', st: 41, tkn: null };
const EMPTY = { m: "'name' empty", st: 42, tkn: null };
const OPEN_FAILED = { st: 102, tkn: null };

/** A name no other test (nor another run on a shared server) uses. */
let counter = 0;
const uniqueName = (what: string) => `${what}-${process.pid}-${Date.now()}-${counter++}`;

/** Creates a shared session and returns its token as JSON text. */
async function shared(h: ContractHarness, name: string, expiry?: object): Promise<string> {
  const reply = await h.body('SH_NEW', JSON.stringify({ SH_NEW: { name, shared: true, ...(expiry === undefined ? {} : { expiry }) } }));
  if (reply.st !== 1) throw new Error(`SH_NEW shared failed: ${String(reply.st)}`);
  return String(reply.tkn);
}

const open = (h: ContractHarness, name: string) => h.body('SH_OPEN', JSON.stringify({ SH_OPEN: { name } }));

/** Registers the shared-session tests; `harness` gives an engine over an empty store each time. */
export function sharedSessionContract(harness: () => ContractHarness): void {
  describe('shared sessions (extension)', () => {
    it('SH_NEW with shared:true answers the name and the token; SH_OPEN finds that token', async () => {
      const h = harness();
      const name = uniqueName('settings');
      const reply = await h.body('SH_NEW', JSON.stringify({ SH_NEW: { name, shared: true } }));
      expect(Object.keys(reply).sort()).toEqual(['name', 'st', 'tkn']);
      expect(reply).toMatchObject({ name, st: 1 });
      const tkn = String(reply.tkn);
      expect(BigInt(tkn)).not.toBe(0n);
      expect(await open(h, name)).toEqual({ st: 1, tkn: decodedToken(tkn) });
      expect(await h.body('SH_INFO', `{"SH_INFO":{"tkn":${tkn}}}`)).toEqual({
        expires: false,
        keyCnt: 0,
        shared: true,
        st: 1,
        tkn: decodedToken(tkn),
      });
      // The opened token is the session: keys written through one are read through the other.
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"theme":"dark","big":18446744073709551615}}}`);
      const opened = String((await open(h, name)).tkn);
      expect(await h.body('SH_GET', `{"SH_GET":{"tkn":${opened},"keys":["theme","big"]}}`)).toEqual({
        keys: { theme: 'dark', big: 18446744073709551615n },
        st: 1,
      });
    });

    it('a second SH_NEW with a live name answers 103 with the existing token and changes nothing', async () => {
      const h = harness();
      const name = uniqueName('basket');
      const tkn = await shared(h, name, { duration: 3600, deleteSession: true });
      await h.send(`{"SH_SET":{"tkn":${tkn},"keys":{"a":1}}}`);
      const again = await h.body('SH_NEW', JSON.stringify({ SH_NEW: { name, shared: true, expiry: { duration: 5 } } }));
      expect(again).toEqual({ name, st: 103, tkn: decodedToken(tkn) });
      expect(await h.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toEqual({ st: 1, totalKeys: 1, totalSessions: 1 });
      expect(await h.body('SH_INFO', `{"SH_INFO":{"tkn":${tkn}}}`)).toMatchObject({
        expiry: { duration: 3600, deleteSession: true },
        keyCnt: 1,
      });
    });

    it('SH_OPEN answers 102 with a null token when no live shared session has the name', async () => {
      const h = harness();
      expect(await open(h, uniqueName('nobody'))).toEqual(OPEN_FAILED);
    });

    it('without shared:true the name is ignored, as in v0.7.4', async () => {
      const h = harness();
      const name = uniqueName('plain');
      for (const body of [{ name }, { name, shared: false }, { name, shared: 'true' }, { name, shared: 1 }, { name: 5 }]) {
        const reply = await h.body('SH_NEW', JSON.stringify({ SH_NEW: body }));
        expect(Object.keys(reply)).toEqual(['st', 'tkn']);
        expect((await h.body('SH_INFO', `{"SH_INFO":{"tkn":${String(reply.tkn)}}}`)).shared).toBe(false);
      }
      expect(await open(h, name)).toEqual(OPEN_FAILED);
      // …and a plain session with that name does not hold it.
      const tkn = await shared(h, name);
      expect(await open(h, name)).toEqual({ st: 1, tkn: decodedToken(tkn) });
    });

    it.each([
      ['{"shared":true}', MISSING],
      ['{"name":null,"shared":true}', TYPE],
      ['{"name":7,"shared":true}', TYPE],
      ['{"name":"","shared":true}', EMPTY],
      // expiry is checked first (alphabetical order)
      ['{"expiry":{"duration":-1},"name":"","shared":true}', TYPE],
      ['{"expiry":{},"name":7,"shared":true}', MISSING],
    ])('SH_NEW answers %s with %j, creating nothing', async (body, expected) => {
      const h = harness();
      expect(await h.body('SH_NEW', `{"SH_NEW":${body}}`)).toEqual(expected);
      expect(await h.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toEqual({ st: 1, totalKeys: 0, totalSessions: 0 });
    });

    answersEach(
      harness,
      'SH_OPEN',
      [
        ['{}', MISSING],
        ['{"name":5}', TYPE],
        ['{"name":["a"]}', TYPE],
        ['{"name":""}', EMPTY],
      ],
      'SH_OPEN answers %s with %j',
    );

    it('SH_END frees the name at once: SH_OPEN answers 102 and SH_NEW creates a new session', async () => {
      const h = harness();
      const name = uniqueName('otp');
      const first = await shared(h, name);
      expect(await h.body('SH_END', `{"SH_END":{"tkn":${first}}}`)).toEqual({ st: 1, tkn: decodedToken(first) });
      expect(await open(h, name)).toEqual(OPEN_FAILED);
      const second = await shared(h, name);
      expect(second).not.toBe(first);
      expect(await open(h, name)).toEqual({ st: 1, tkn: decodedToken(second) });
    });

    it('SH_END_ALL frees every name', async () => {
      const h = harness();
      const names = [uniqueName('a'), uniqueName('b'), uniqueName('c')];
      for (const name of names) await shared(h, name);
      await h.session();
      expect(await h.body('SH_END_ALL', '{"SH_END_ALL":{}}')).toEqual({ cnt: 4, st: 1 });
      for (const name of names) expect(await open(h, name)).toEqual(OPEN_FAILED);
      const again = await shared(h, names[0]!);
      expect(await open(h, names[0]!)).toEqual({ st: 1, tkn: decodedToken(again) });
    });

    it('names are exact strings: case, Unicode, lone surrogates, "__proto__", long names', async () => {
      const h = harness();
      const base = uniqueName('n');
      const names = [
        base,
        base.toUpperCase(),
        `${base} `,
        `${base}é\u0000`,
        `${base}\ud800`,
        `${base}\udc00`,
        '__proto__' + base,
        `${base}${'x'.repeat(5000)}`,
      ];
      const tokens = new Map<string, string>();
      for (const name of names) tokens.set(name, await shared(h, name));
      expect(new Set(tokens.values()).size).toBe(names.length);
      for (const name of names) expect(await open(h, name)).toEqual({ st: 1, tkn: decodedToken(tokens.get(name)!) });
      // Written as JSON text with escapes, as a client in another language would send them.
      expect(await h.text(`{"SH_OPEN":{"name":${JSON.stringify(`${base}\ud800`)}}}`)).toBe(
        `{"SH_OPEN_RSP":{"st":1,"tkn":${tokens.get(`${base}\ud800`)}}}`,
      );
    });

    it('many concurrent SH_NEW of one name create exactly one session; the others get its token', async () => {
      const h = harness();
      const name = uniqueName('race');
      const replies = await Promise.all(
        Array.from({ length: 40 }, () => h.body('SH_NEW', JSON.stringify({ SH_NEW: { name, shared: true } }))),
      );
      const created = replies.filter((r) => r.st === 1);
      expect(created).toHaveLength(1);
      const tkn = created[0]!.tkn;
      for (const reply of replies) expect(reply).toEqual({ name, st: reply.st, tkn });
      expect(replies.filter((r) => r.st === 103)).toHaveLength(39);
      expect(await h.body('SH_INFO_ALL', '{"SH_INFO_ALL":{}}')).toEqual({ st: 1, totalKeys: 0, totalSessions: 1 });
      expect(await open(h, name)).toEqual({ st: 1, tkn });
    });

    it('SH_NEW and SH_END of one name racing leave the index agreeing with the sessions', async () => {
      const h = harness();
      const name = uniqueName('churn');
      for (let round = 0; round < 10; round++) {
        const tkn = await shared(h, name);
        const [, , reopened] = await Promise.all([
          h.body('SH_END', `{"SH_END":{"tkn":${tkn}}}`),
          h.body('SH_NEW', JSON.stringify({ SH_NEW: { name, shared: true } })),
          open(h, name),
        ]);
        // Whatever the order, a token SH_OPEN answers is a live session's, or there is none.
        const current = await open(h, name);
        if (current.st === 1) {
          expect((await h.body('SH_EXISTS', `{"SH_EXISTS":{"tkns":[${String(current.tkn)}]}}`)).exist).toEqual([current.tkn]);
          await h.send(`{"SH_END":{"tkn":${String(current.tkn)}}}`);
        }
        expect([1, 102]).toContain(reopened.st);
        expect(await open(h, name)).toEqual(OPEN_FAILED);
      }
    });
  });
}
