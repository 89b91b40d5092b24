// Which cases a run includes: the profile, --only, --tags and --skip-file. Cases left out by the
// profile or a filter are not part of the run at all; cases matched by the skip file are reported
// as skipped, with the file's reason, so a CI log shows what was not judged.
import { EXTENSION_TAG, IMPROVEMENT_TAG, UPSTREAM_ONLY_TAG } from './tags.js';
import type { Case } from './types.js';

/**
 * `default` judges this project's server: every case except those that pin down a v0.7.4 defect.
 * `v0.7.4` judges C++ NemesisDB v0.7.4 fairly: it leaves out the cases for our deliberate
 * improvements (tag `improvement`: docs/reference/protocol.md §14 items marked observable, string tokens §13 C3,
 * exact expiry timing §14 D2, close codes §14 D12) and for our extensions of the protocol (tag
 * `extension`: commands and members v0.7.4 does not have, such as shared sessions), and adds the
 * cases tagged `v0.7.4-only`, which pin down upstream's own answer where we deliberately differ.
 * The settings each profile assumes are in settings.ts (PROFILE_DEFAULTS).
 */
export const PROFILES = ['default', 'v0.7.4'] as const;
export type Profile = (typeof PROFILES)[number];

export interface SkipRule {
  readonly pattern: string;
  readonly reason: string;
}

export interface SelectOptions {
  readonly profile?: Profile;
  /** Case id/title patterns; a case runs when it matches any. */
  readonly only?: readonly string[];
  /** Tags: a case runs when it has any listed tag and none of the `!tag` ones. */
  readonly tags?: readonly string[];
  readonly skip?: readonly SkipRule[];
}

export interface Selection {
  /** Cases of the run in corpus order; `skipReason` set for those the skip file matched. */
  readonly cases: readonly { readonly case: Case; readonly skipReason?: string }[];
  /** How many corpus cases the profile and filters left out. */
  readonly leftOut: number;
  /** Those cases, in corpus order (the compatibility report counts them per group). */
  readonly leftOutCases: readonly Case[];
}

export function selectCases(cases: readonly Case[], options: SelectOptions = {}): Selection {
  const leftOutCases: Case[] = [];
  const profile = options.profile ?? 'default';
  const only = (options.only ?? []).filter((p) => p !== '');
  const wanted = (options.tags ?? []).filter((t) => t !== '' && !t.startsWith('!')).map((t) => t.toLowerCase());
  const unwanted = (options.tags ?? []).filter((t) => t.startsWith('!')).map((t) => t.slice(1).toLowerCase());
  const selected: { case: Case; skipReason?: string }[] = [];
  for (const c of cases) {
    const tags = c.tags.map((t) => t.toLowerCase());
    const included =
      inProfile(c, profile) &&
      (only.length === 0 || only.some((p) => matchesPattern(c, p))) &&
      (wanted.length === 0 || wanted.some((t) => tags.includes(t))) &&
      !unwanted.some((t) => tags.includes(t));
    if (!included) {
      leftOutCases.push(c);
      continue;
    }
    const rule = (options.skip ?? []).find((r) => matchesPattern(c, r.pattern));
    selected.push(rule ? { case: c, skipReason: rule.reason } : { case: c });
  }
  return { cases: selected, leftOut: leftOutCases.length, leftOutCases };
}

export function inProfile(c: Case, profile: Profile): boolean {
  if (profile === 'v0.7.4') return !c.tags.includes(IMPROVEMENT_TAG) && !c.tags.includes(EXTENSION_TAG);
  return !c.tags.includes(UPSTREAM_ONLY_TAG);
}

/**
 * A pattern matches a case id or title, ignoring case: with `*` it is a glob over the whole id or
 * title (`commands/sh-*`), without it a substring (`sh-new.md`, `expiry`).
 */
export function matchesPattern(c: Case, pattern: string): boolean {
  const p = pattern.toLowerCase();
  const subjects = [c.id.toLowerCase(), c.title.toLowerCase()];
  if (!p.includes('*')) return subjects.some((s) => s.includes(p));
  const regex = new RegExp(`^${p.split('*').map(escapeRegex).join('.*')}$`);
  return subjects.some((s) => regex.test(s));
}

/** The rules of a list (skip file, expect-fail file) that match no case at all: stale entries or typos. */
export function unmatchedRules(cases: readonly Case[], rules: readonly SkipRule[]): SkipRule[] {
  return rules.filter((rule) => !cases.some((c) => matchesPattern(c, rule.pattern)));
}

/**
 * Reads a skip file (or an expect-fail file, which has the same format): one pattern per line, optionally followed by `# reason`; blank lines and lines
 * starting with `#` are ignored.
 */
export function parseSkipFile(text: string): SkipRule[] {
  const rules: SkipRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const hash = line.indexOf(' #');
    const pattern = (hash === -1 ? line : line.slice(0, hash)).trim();
    const reason = hash === -1 ? 'listed in the skip file' : line.slice(hash + 2).trim() || 'listed in the skip file';
    rules.push({ pattern, reason });
  }
  return rules;
}

function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
