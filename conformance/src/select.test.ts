import { describe, expect, it } from 'vitest';
import { inProfile, matchesPattern, parseSkipFile, selectCases, unmatchedRules } from './select.js';
import type { Case } from './types.js';

const make = (id: string, tags: string[], title = id): Case => ({ id, title, file: id.split('#')[0] ?? id, line: 1, tags, steps: [] });

const corpus = [
  make('commands/sh-new.md#create', ['behaviour', 'SH_NEW']),
  make('commands/sh-new.md#missing-duration', ['status', 'SH_NEW'], 'A missing duration is status 26'),
  make('concepts/expiry.md#exact', ['expiry', 'SH_NEW', 'improvement', 'D2']),
  make('commands/kv-load.md#upstream-140', ['persistence', 'KV_LOAD', 'v0.7.4-only', 'D9']),
  make('commands/kv-clear.md#clear', ['behaviour', 'KV_CLEAR', 'destructive']),
];
const ids = (selection: ReturnType<typeof selectCases>): string[] => selection.cases.map((c) => c.case.id);

describe('profiles', () => {
  it('default leaves out v0.7.4-only cases; v0.7.4 leaves out improvements', () => {
    expect(ids(selectCases(corpus))).toEqual([
      'commands/sh-new.md#create',
      'commands/sh-new.md#missing-duration',
      'concepts/expiry.md#exact',
      'commands/kv-clear.md#clear',
    ]);
    const upstream = selectCases(corpus, { profile: 'v0.7.4' });
    expect(ids(upstream)).toEqual([
      'commands/sh-new.md#create',
      'commands/sh-new.md#missing-duration',
      'commands/kv-load.md#upstream-140',
      'commands/kv-clear.md#clear',
    ]);
    expect(upstream.leftOut).toBe(1);
    expect(inProfile(corpus[2]!, 'v0.7.4')).toBe(false);
    expect(upstream.leftOutCases.map((c) => c.id)).toEqual(['concepts/expiry.md#exact']);
  });

  it('v0.7.4 leaves out our protocol extensions (tag extension); default runs them', () => {
    const shared = make('commands/sh-open.md#open', ['behaviour', 'SH_OPEN', 'extension']);
    expect(inProfile(shared, 'v0.7.4')).toBe(false);
    expect(inProfile(shared, 'default')).toBe(true);
    expect(selectCases([...corpus, shared], { profile: 'v0.7.4' }).leftOutCases.map((c) => c.id)).toEqual([
      'concepts/expiry.md#exact',
      'commands/sh-open.md#open',
    ]);
  });
});

describe('filters', () => {
  it('--only matches ids or titles by substring, or by glob with *', () => {
    expect(ids(selectCases(corpus, { only: ['status 26'] }))).toEqual(['commands/sh-new.md#missing-duration']);
    expect(ids(selectCases(corpus, { only: ['commands/sh-*#create'] }))).toEqual(['commands/sh-new.md#create']);
    expect(ids(selectCases(corpus, { only: ['KV-CLEAR', 'expiry.md'] }))).toEqual([
      'concepts/expiry.md#exact',
      'commands/kv-clear.md#clear',
    ]);
  });

  it('--tags keeps cases with any listed tag and none of the !tags', () => {
    expect(ids(selectCases(corpus, { tags: ['SH_NEW', '!improvement'] }))).toEqual([
      'commands/sh-new.md#create',
      'commands/sh-new.md#missing-duration',
    ]);
    expect(ids(selectCases(corpus, { tags: ['!destructive'] }))).toHaveLength(3);
    expect(ids(selectCases(corpus, { tags: ['status'] }))).toEqual(['commands/sh-new.md#missing-duration']);
  });

  it('the skip file marks cases as skipped with its reason, keeping them in the run', () => {
    const skip = parseSkipFile('# header\n\ncommands/sh-new.md#create   # flaky on our runner\nconcepts/expiry.md#*\n');
    expect(skip).toEqual([
      { pattern: 'commands/sh-new.md#create', reason: 'flaky on our runner' },
      { pattern: 'concepts/expiry.md#*', reason: 'listed in the skip file' },
    ]);
    const selection = selectCases(corpus, { skip });
    expect(selection.cases.map((c) => c.skipReason)).toEqual(['flaky on our runner', undefined, 'listed in the skip file', undefined]);
  });

  it('finds list entries that match no case (typos, renamed cases)', () => {
    const rules = parseSkipFile('commands/sh-new.md#create\ncommands/sh-nwe.md#*  # typo\n');
    expect(unmatchedRules(corpus, rules)).toEqual([{ pattern: 'commands/sh-nwe.md#*', reason: 'typo' }]);
  });

  it('matches patterns without regard to case, with regex characters taken literally', () => {
    expect(matchesPattern(corpus[0]!, 'COMMANDS/SH-NEW.MD')).toBe(true);
    expect(matchesPattern(corpus[0]!, 'commands/sh-new.md#cr(.*)')).toBe(false);
  });
});
