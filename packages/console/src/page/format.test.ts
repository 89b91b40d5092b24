import { Engine } from '@nemesisdb/engine';
import { decode } from '@nemesisdb/protocol';
import { describe, expect, it } from 'vitest';
import {
  clockTime,
  commandOf,
  formatDuration,
  isTokenText,
  jsonProblem,
  jsonProblemAt,
  lineAndColumn,
  pretty,
  readJson,
  summarize,
  tokenText,
} from './format.js';
import { SNIPPETS } from './snippets.js';

const TOKEN = '16351792548006066062'; // above 2^53: JSON.parse would make it 16351792548006066000

describe('pretty', () => {
  it('indents like JSON.stringify(value, null, 2) for ordinary values', () => {
    const value = { a: [1, 'x', { b: null, c: true }], d: {}, e: [], f: 'é "q"' };
    expect(pretty(value)).toBe(JSON.stringify(value, null, 2));
  });

  it('writes integers beyond 2^53 and integral doubles exactly as received', () => {
    const text = `{"SH_NEW_RSP":{"st":1,"tkn":${TOKEN}},"d":60.0,"n":[-18446744073709551615,1e3]}`;
    const shown = pretty(readJson(text)!);
    expect(shown).toContain(`"tkn": ${TOKEN}`);
    expect(shown).toContain('"d": 60.0');
    expect(shown).toContain('-18446744073709551615');
    expect(shown).toContain('1000.0');
    expect(decode(shown, { exactNumbers: true })).toEqual(decode(text, { exactNumbers: true }));
  });
});

describe('summarize', () => {
  it('reads a new session and its exact token', () => {
    const summary = summarize(`{"SH_NEW_RSP":{"st":1,"tkn":${TOKEN}}}`);
    expect(summary).toMatchObject({ envelope: 'SH_NEW_RSP', status: 1, statusName: 'Ok', ok: true, newToken: TOKEN });
    expect(summary.text).toContain(TOKEN);
  });

  it('names failures, ERR envelopes and the success statuses of SAVE and LOAD', () => {
    expect(summarize('{"SH_INFO_RSP":{"st":100,"tkn":5}}')).toMatchObject({
      statusName: 'SessionNotExist',
      ok: false,
      newToken: undefined,
    });
    expect(summarize('{"ERR":{"m":"","st":3}}')).toMatchObject({ envelope: 'ERR', status: 3, statusName: 'JsonInvalid', ok: false });
    expect(summarize('{"KV_SAVE_RSP":{"st":121,"name":"x"}}')).toMatchObject({ statusName: 'SaveComplete', ok: true });
    expect(summarize('{"SH_NEW_RSP":{"st":103}}')).toMatchObject({ ok: false, newToken: undefined });
    expect(summarize('{"X_RSP":{"st":4242}}')).toMatchObject({ status: 4242, statusName: undefined, ok: false });
  });

  it('shows text that is not JSON as it came', () => {
    expect(summarize('not json')).toMatchObject({ envelope: undefined, status: undefined, ok: false, text: 'not json' });
  });
});

describe('small helpers', () => {
  it('tells commands, tokens and JSON problems', () => {
    expect(commandOf('{ "SH_NEW": {} }')).toBe('SH_NEW');
    expect(commandOf('{"A":1,"B":2}')).toBeUndefined();
    expect(commandOf('{')).toBeUndefined();
    expect(jsonProblem('{"a":1}')).toBeUndefined();
    expect(jsonProblem('{"a":')).toBe('line 1, column 6: unexpected character');
    expect(isTokenText(TOKEN)).toBe(true);
    expect(isTokenText('18446744073709551615')).toBe(true);
    expect(isTokenText('18446744073709551616')).toBe(false);
    expect(isTokenText('01')).toBe(false);
    expect(isTokenText('-1')).toBe(false);
    expect(tokenText(BigInt(TOKEN))).toBe(TOKEN);
    expect(tokenText(42)).toBe('42');
    expect(tokenText(1.5)).toBeUndefined();
    expect(formatDuration(0.42)).toBe('0.4 ms');
    expect(formatDuration(12.34)).toBe('12.3 ms');
    expect(formatDuration(1520)).toBe('1.52 s');
  });
});

describe('JSON errors', () => {
  it('say where: line and column, counted from 1', () => {
    expect(lineAndColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    const text = '{\n  "SH_NEW": {\n    "expiry": {"duration": 60,}\n  }\n}';
    expect(jsonProblemAt(text)).toEqual({ message: 'expected a member name', line: 3, column: 31, position: 46 });
    expect(text.split('\n')[2]![30]).toBe('}');
    expect(jsonProblem('')).toBe('line 1, column 1: empty document');
    expect(jsonProblem('{"a":1} x')).toBe('line 1, column 9: unexpected text after the root value');
  });

  it('the server’s message is kept in the summary', () => {
    expect(summarize('{"SH_RMV_RSP":{"m":"keys","st":42,"tkn":null}}').message).toBe('keys');
    expect(summarize('{"ERR":{"m":"","st":3}}').message).toBeUndefined();
  });
});

describe('clockTime', () => {
  it('is the local time to the millisecond', () => {
    const at = new Date(2026, 11, 2, 9, 5, 7, 25).getTime();
    expect(clockTime(at)).toBe('09:05:07.025');
  });
});

describe('snippets', () => {
  it('are JSON naming their command, with the token as an exact integer literal', () => {
    for (const snippet of SNIPPETS) {
      const text = snippet.text(TOKEN);
      const value = decode(text) as Record<string, Record<string, unknown>>;
      const command = snippet.label.split(' ')[0]!;
      expect(Object.keys(value)).toEqual([command]);
      if (snippet.needsToken) {
        expect(value[command]!.tkn).toBe(BigInt(TOKEN));
        expect(text).toContain(`"tkn": ${TOKEN}`);
      }
    }
  });

  it('all succeed on a real engine, in order', async () => {
    const engine = new Engine();
    let token: string | undefined;
    for (const snippet of SNIPPETS) {
      const reply = summarize(await engine.execute(snippet.text(token)));
      expect(reply.ok, `${snippet.label}: ${reply.text}`).toBe(true);
      token = reply.newToken ?? token;
    }
    const got = summarize(await engine.execute(SNIPPETS.find((s) => s.label === 'SH_GET')!.text(token)));
    expect(got.text).toContain('"forename": "Billy"');
    await engine.close();
  });

  it('without a session use token 0, which the server answers with 100', async () => {
    const engine = new Engine();
    const reply = summarize(await engine.execute(SNIPPETS.find((s) => s.label === 'SH_INFO')!.text(undefined)));
    expect(reply).toMatchObject({ status: 100, statusName: 'SessionNotExist' });
    await engine.close();
  });
});
