import { describe, expect, it } from 'vitest';
import { ExtractError, extractCases, slugify } from './extract.js';

const fence = (info: string, body: string): string => ['```' + info, body, '```'].join('\n');

describe('extractCases', () => {
  it('turns a section with request blocks into a case, in order, with source lines', () => {
    const page = [
      '# SH_NEW', // 1
      '', // 2
      'Prose and an illustration that is not a case:', // 3
      fence('json', '{"SH_NEW_RSP":{"st":1}}'), // 4-6
      '', // 7
      '## Create a session', // 8
      fence('json request', '{"SH_NEW":{}}'), // 9-11
      fence('json response', '{"SH_NEW_RSP":{"st":1,"tkn":"$tkn:uint"}}'), // 12-14
      '`wait 1100ms` — past the deadline.', // 15
      fence('json request', '{"SH_INFO":{"tkn":"$tkn"}}'), // 16-18
      fence('json response subset unordered', '{"SH_INFO_RSP":{"st":1}}'), // 19-21
    ].join('\n');
    const cases = extractCases(page, 'commands/sh-new.md');
    expect(cases).toHaveLength(1);
    const [c] = cases;
    expect(c?.id).toBe('commands/sh-new.md#create-a-session');
    expect(c?.title).toBe('Create a session');
    expect(c?.line).toBe(8);
    expect(c?.steps).toEqual([
      { kind: 'send', mode: 'json', text: '{"SH_NEW":{}}', line: 9 },
      { kind: 'expect', text: '{"SH_NEW_RSP":{"st":1,"tkn":"$tkn:uint"}}', subset: false, unordered: false, line: 12 },
      { kind: 'wait', ms: 1100, line: 15 },
      { kind: 'send', mode: 'json', text: '{"SH_INFO":{"tkn":"$tkn"}}', line: 16 },
      { kind: 'expect', text: '{"SH_INFO_RSP":{"st":1}}', subset: true, unordered: true, line: 19 },
    ]);
  });

  it('reads text, binary and hex requests, padding, close expectations and connect steps', () => {
    const page = [
      '## Transport',
      '`connect /any/path?x=1` — another path.',
      fence('text request pad=max+1', '{"SV_INFO":{}} // not JSON any more'),
      '`expect close 1009` — too big.',
      fence('binary request', '{"SV_INFO":{}}'),
      fence('hex request', '7b 22 ff\n22 7d'),
      '`expect close`',
    ].join('\n');
    const [c] = extractCases(page, 't.md');
    expect(c?.steps.map((s) => s.kind)).toEqual(['connect', 'send', 'close', 'send', 'send', 'close']);
    expect(c?.steps[0]).toMatchObject({ kind: 'connect', path: '/any/path?x=1' });
    expect(c?.steps[1]).toMatchObject({ kind: 'send', mode: 'text', pad: 'max+1' });
    expect(c?.steps[2]).toMatchObject({ kind: 'close', code: 1009 });
    expect(c?.steps[4]).toMatchObject({ kind: 'send', mode: 'hex', text: '7b 22 ff\n22 7d' });
    expect(c?.steps[5]).toMatchObject({ kind: 'close', code: null });
  });

  it('derives command and kind tags, and adds the tags of a tags comment', () => {
    const page = [
      '## Save and clear',
      '<!-- tags: improvement D6 -->',
      fence('json request', '{"KV_CLEAR":{}}'),
      fence('json response', '{"KV_CLEAR_RSP":{"cnt":"$_:uint","st":1}}'),
      fence('json request', '{"KV_SAVE":{"name":".."}}'),
      fence('json response', '{"KV_SAVE_RSP":{"name":"..","st":122}}'),
      '## Plain',
      fence('json request', '{"SH_NEW":{}}'),
      fence('json response', '{"SH_NEW_RSP":{"st":1,"tkn":"$t"}}'),
    ].join('\n');
    const [save, plain] = extractCases(page, 'p.md');
    expect(save?.tags).toEqual(['persistence', 'status', 'KV_CLEAR', 'destructive', 'KV_SAVE', 'improvement', 'D6', 'persistence-on']);
    expect(plain?.tags).toEqual(['behaviour', 'SH_NEW']);
  });

  it('numbers duplicate headings and ignores blocks inside longer fences', () => {
    const page = [
      '## Same',
      fence('json request', '{"KV_COUNT":{}}'),
      '## Same',
      fence('json request', '{"KV_COUNT":{}}'),
      '## Example of the notation',
      '````md',
      '### Not a case',
      fence('json request', '{"KV_COUNT":{}}'),
      '`wait 5ms`',
      '````',
    ].join('\n');
    expect(extractCases(page, 'd.md').map((c) => c.id)).toEqual(['d.md#same', 'd.md#same-2']);
  });

  it('keeps underscores and drops punctuation in ids, like GitHub anchors', () => {
    expect(slugify('With persistence disabled, KV_SAVE is status 14')).toBe('with-persistence-disabled-kv_save-is-status-14');
    expect(slugify('A duration written as 60.0 is status 41')).toBe('a-duration-written-as-600-is-status-41');
  });

  it.each([
    [
      'a response before any request',
      ['## X', fence('json response', '{}'), fence('json request', '{}')],
      /must directly follow a request/,
    ],
    ['steps without a request', ['## X', '`wait 5ms`'], /steps without any request block/],
    [
      'two responses to one request',
      ['## X', fence('json request', '{}'), fence('json response', '{}'), fence('json response', '{}')],
      /must directly follow/,
    ],
    ['an unknown request kind', ['## X', fence('yaml request', 'a: 1')], /unknown request kind "yaml"/],
    ['an unknown modifier', ['## X', fence('json response sorted', '{}')], /unknown response modifier "sorted"/],
    ['invalid JSON', ['## X', fence('json request', '{"a":')], /request block is not JSON/],
    ['bad hex', ['## X', fence('hex request', '7g')], /non-hex/],
    ['an unclosed block', ['## X', '```json request', '{}'], /never closed/],
    ['a request without a heading', [fence('json request', '{}')], /needs a heading/],
  ])('rejects %s with the page and line', (_name, lines, message) => {
    expect(() => extractCases(lines.join('\n'), 'bad.md')).toThrow(ExtractError);
    expect(() => extractCases(lines.join('\n'), 'bad.md')).toThrow(message);
  });
});
