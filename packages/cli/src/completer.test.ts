import { COMMAND_NAMES } from '@nemesisdb/protocol';
import { describe, expect, it } from 'vitest';
import { complete } from './completer.js';
import { parseInput } from './input.js';
import { bodySkeleton, parametersOf } from './params.js';
import { TokenBook } from './tokens.js';

describe('body skeletons from the request schemas', () => {
  it('name every parameter with a placeholder of its type, the token first', () => {
    const skeletons = {
      SH_SET: '{"tkn":$tkn,"keys":{}}',
      KV_GET: '{"keys":[]}',
      KV_UPDATE: '{"key":"","path":"","value":{}}',
      SH_INFO_ALL: '{}',
      SH_INFO: '{"tkn":$tkn}',
    } as const;
    for (const [command, skeleton] of Object.entries(skeletons))
      expect(bodySkeleton(command as keyof typeof skeletons), command).toBe(skeleton);
    expect(bodySkeleton('SH_NEW')).toMatch(/^\{"expiry":\{"duration":0,/);
  });

  it('mark required and optional parameters as the schema does', () => {
    const find = parametersOf('KV_FIND');
    expect(find.map((p) => [p.name, p.required])).toEqual([
      ['path', true],
      ['rsp', true],
      ['keys', false],
    ]);
  });

  it('are requests the CLI can send for every command once a token is known', () => {
    const tokens = new TokenBook();
    tokens.record(1n);
    for (const name of COMMAND_NAMES) {
      expect(parseInput(`${name} ${bodySkeleton(name)}`, tokens).kind, name).toBe('request');
    }
  });
});

describe('Tab completion', () => {
  it('completes a unique prefix to the name and its skeleton', () => {
    expect(complete('SH_N')).toEqual([[`SH_NEW ${bodySkeleton('SH_NEW')}`], 'SH_N']);
    expect(complete('KV_ARR')).toEqual([[`KV_ARR_APPEND ${bodySkeleton('KV_ARR_APPEND')}`], 'KV_ARR']);
    // docs/guides/cli.md's example, as written there.
    expect(complete('SH_GE')).toEqual([['SH_GET {"tkn":$tkn,"keys":[]}'], 'SH_GE']);
  });

  it('lists every name a prefix could become', () => {
    const [candidates] = complete('KV_C');
    expect(candidates).toEqual(['KV_CLEAR', 'KV_COUNT', 'KV_CONTAINS', 'KV_CLEAR_SET']);
    // A name that is also the start of another lists both; a space after it gives its skeleton.
    expect(complete('SH_INFO')[0]).toEqual(['SH_INFO', 'SH_INFO_ALL']);
    expect(complete('SH_INFO ')[0]).toEqual([`SH_INFO ${bodySkeleton('SH_INFO')}`]);
    // The extension SH_SET_EXPIRY starts as SH_SET does (docs/guides/cli.md says so).
    expect(complete('SH_SE')[0]).toEqual(['SH_SET_EXPIRY', 'SH_SET']);
  });

  it('completes command names after help, and the REPL words', () => {
    expect(complete('help SH_NE')[0]).toEqual(['help SH_NEW']);
    expect(complete('he')[0]).toEqual(['help']);
  });

  it('offers nothing inside a body', () => {
    expect(complete('SH_NEW {"exp')[0]).toEqual([]);
  });
});
