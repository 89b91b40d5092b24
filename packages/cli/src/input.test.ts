import { describe, expect, it } from 'vitest';
import { openDepth, parseInput, substituteTokens } from './input.js';
import { TokenBook } from './tokens.js';

const MAX_U64 = 18446744073709551615n;

function request(text: string, tokens = new TokenBook()) {
  const parsed = parseInput(text, tokens);
  if (parsed.kind !== 'request') throw new Error(`expected a request, got ${JSON.stringify(parsed)}`);
  return parsed;
}

describe('parseInput', () => {
  it('takes a name and a body, a bare name, or a whole request', () => {
    expect(request('SH_NEW {"expiry":{"duration":60,"deleteSession":true}}')).toEqual({
      kind: 'request',
      command: 'SH_NEW',
      text: '{"SH_NEW":{"expiry":{"duration":60,"deleteSession":true}}}',
    });
    expect(request('SH_INFO_ALL')).toEqual({ kind: 'request', command: 'SH_INFO_ALL', text: '{"SH_INFO_ALL":{}}' });
    expect(request('  {"KV_GET":{"keys":["a"]}}  ')).toEqual({ kind: 'request', command: 'KV_GET', text: '{"KV_GET":{"keys":["a"]}}' });
  });

  it('accepts a name in any case and sends it as the protocol spells it', () => {
    expect(request('sh_info_all').text).toBe('{"SH_INFO_ALL":{}}');
  });

  it('sends what was typed: 64-bit integers, 60.0 and member order are not rewritten', () => {
    expect(request(`KV_SET {"keys":{"b":${MAX_U64},"a":60.0}}`).text).toBe(`{"KV_SET":{"keys":{"b":${MAX_U64},"a":60.0}}}`);
  });

  it('fills in $tkn and $N, bare or as a whole string, with the exact 64-bit token', () => {
    const tokens = new TokenBook();
    tokens.record(MAX_U64);
    tokens.record(16351792548006066062n);
    expect(request('SH_GET {"tkn":$tkn,"keys":["a"]}', tokens).text).toBe('{"SH_GET":{"tkn":16351792548006066062,"keys":["a"]}}');
    expect(request('SH_EXISTS {"tkns":["$1", $2]}', tokens).text).toBe(`{"SH_EXISTS":{"tkns":[${MAX_U64}, 16351792548006066062]}}`);
    // JSONPath strings are not variables, nor is a $ inside a longer string.
    expect(request('KV_FIND {"path":"$[0]","rsp":"keys","x":"$tkn2"}', tokens).text).toBe(
      '{"KV_FIND":{"path":"$[0]","rsp":"keys","x":"$tkn2"}}',
    );
  });

  it('says which variable has no token yet, and sends nothing', () => {
    const parsed = parseInput('SH_GET {"tkn":$tkn,"keys":[]}', new TokenBook());
    expect(parsed.kind).toBe('error');
    expect(parsed).toMatchObject({ message: expect.stringContaining('$tkn: no token yet') });
    expect(parseInput('SH_END {"tkn":$3}', new TokenBook())).toMatchObject({ kind: 'error', message: expect.stringContaining('$3') });
  });

  it('rejects text that is not JSON with the position, before sending', () => {
    const parsed = parseInput('SH_NEW {"expiry":{"duration":6o}}', new TokenBook());
    expect(parsed).toMatchObject({ kind: 'error', message: expect.stringMatching(/not JSON: .*position 23/) });
    expect(parseInput('{"SH_NEW":}', new TokenBook())).toMatchObject({ kind: 'error', message: expect.stringContaining('not JSON') });
    expect(parseInput('SH_NEW x', new TokenBook())).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('must be a JSON object'),
    });
  });

  it('rejects an unknown name with suggestions', () => {
    expect(parseInput('SH_NEWW {}', new TokenBook())).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('did you mean SH_NEW'),
    });
    expect(parseInput('KV_GETT', new TokenBook())).toMatchObject({ kind: 'error', message: expect.stringContaining('KV_GET') });
  });

  it('asks for more while braces are open (REPL), and reports them open otherwise', () => {
    const tokens = new TokenBook();
    expect(parseInput('SH_SET {"tkn":1,\n"keys":{"a":[1,', tokens, true)).toEqual({ kind: 'incomplete' });
    expect(parseInput('SH_SET {"tkn":1,\n"keys":{"a":[1,\n2]}}', tokens, true)).toMatchObject({
      kind: 'request',
      text: '{"SH_SET":{"tkn":1,\n"keys":{"a":[1,\n2]}}}',
    });
    expect(parseInput('SH_NEW {', tokens)).toMatchObject({ kind: 'error', message: expect.stringContaining('not closed') });
  });

  it('does not count braces inside strings', () => {
    expect(openDepth('{"a":"{[{"}')).toBe(0);
    expect(openDepth('{"a":"\\"{"')).toBe(1);
  });

  it('leaves blank input alone', () => {
    expect(parseInput('   ', new TokenBook())).toEqual({ kind: 'empty' });
  });
});

describe('TokenBook', () => {
  it('numbers tokens in the order they first came back; $tkn is the last one', () => {
    const tokens = new TokenBook();
    expect(tokens.record(5n)).toEqual({ index: 1, added: true });
    expect(tokens.record(7n)).toEqual({ index: 2, added: true });
    expect(tokens.record(5n)).toEqual({ index: 1, added: false });
    expect(tokens.lookup('tkn')).toBe(5n);
    expect(tokens.lookup('2')).toBe(7n);
    expect(tokens.lookup('3')).toBeUndefined();
    expect(substituteTokens('[$1,$2,$tkn]', tokens)).toEqual({ text: '[5,7,5]' });
  });
});
