// Which (command, status) pairs the corpus exercises, checked against the table written from
// docs/reference/protocol.md (statuses.ts). A status counts as covered when a case expects it in the reply to a
// request for that command; close codes count when a case expects that close.
import { COMMAND_NAMES } from '@nemesisdb/protocol';
import { expectedStatus, requestCommand } from './extract.js';
import { inProfile } from './select.js';
import { UPSTREAM_ONLY_TAG } from './tags.js';
import { COMMAND_STATUSES, NOT_PROVOKABLE, TRANSPORT_CLOSE_CODES, type CoverageRow } from './statuses.js';
import type { Case } from './types.js';

const COMMANDS: ReadonlySet<string> = new Set(COMMAND_NAMES);

export interface Coverage {
  /** Row → status → ids of the cases that expect it. */
  readonly statuses: ReadonlyMap<CoverageRow, ReadonlyMap<number, readonly string[]>>;
  /** Close code → ids of the cases that expect it. */
  readonly closeCodes: ReadonlyMap<number, readonly string[]>;
}

export interface CoverageGaps {
  /** Listed in docs/reference/protocol.md for the command, not provokable-excused, and in no case. */
  readonly missing: readonly { row: CoverageRow; st: number }[];
  /** Expected by a case but not listed for the command (a wrong case or a stale table). */
  readonly unlisted: readonly { row: CoverageRow; st: number; cases: readonly string[] }[];
  /** Excused as not provokable, yet a case provokes it (the excuse is stale). */
  readonly provokedAnyway: readonly { row: CoverageRow; st: number; cases: readonly string[] }[];
  readonly missingCloseCodes: readonly number[];
}

/** The row a request counts under: its command when it names one v0.7.4 has, else `(request)`. */
export function coverageRow(text: string, mode: string): CoverageRow {
  if (mode === 'binary' || mode === 'hex') return '(request)';
  const command = requestCommand(text);
  return command !== null && COMMANDS.has(command) ? (command as CoverageRow) : '(request)';
}

export function computeCoverage(cases: readonly Case[]): Coverage {
  const statuses = new Map<CoverageRow, Map<number, string[]>>();
  const closeCodes = new Map<number, string[]>();
  const add = <K>(map: Map<K, string[]>, key: K, id: string): void => {
    const ids = map.get(key) ?? [];
    if (!ids.includes(id)) ids.push(id);
    map.set(key, ids);
  };
  for (const c of cases) {
    for (let i = 0; i < c.steps.length - 1; i++) {
      const send = c.steps[i];
      const check = c.steps[i + 1];
      if (send?.kind !== 'send' || !check) continue;
      if (check.kind === 'close' && check.code !== null) add(closeCodes, check.code, c.id);
      if (check.kind !== 'expect') continue;
      const st = expectedStatus(check.text);
      if (st === null) continue;
      const row = coverageRow(send.text, send.mode);
      const byStatus = statuses.get(row) ?? new Map<number, string[]>();
      statuses.set(row, byStatus);
      add(byStatus, st, c.id);
    }
  }
  return { statuses, closeCodes };
}

export function findGaps(coverage: Coverage): CoverageGaps {
  const excused = new Set(NOT_PROVOKABLE.map((n) => `${n.command} ${n.st}`));
  const missing: { row: CoverageRow; st: number }[] = [];
  const unlisted: { row: CoverageRow; st: number; cases: readonly string[] }[] = [];
  const provokedAnyway: { row: CoverageRow; st: number; cases: readonly string[] }[] = [];
  for (const [row, listed] of Object.entries(COMMAND_STATUSES) as [CoverageRow, readonly number[]][]) {
    const seen = coverage.statuses.get(row) ?? new Map<number, readonly string[]>();
    for (const st of listed) {
      const cases = seen.get(st) ?? [];
      if (excused.has(`${row} ${st}`)) {
        if (cases.length > 0) provokedAnyway.push({ row, st, cases });
      } else if (cases.length === 0) missing.push({ row, st });
    }
    for (const [st, cases] of seen) if (!listed.includes(st)) unlisted.push({ row, st, cases });
  }
  for (const [row, seen] of coverage.statuses) {
    if (!Object.hasOwn(COMMAND_STATUSES, row)) for (const [st, cases] of seen) unlisted.push({ row, st, cases });
  }
  const missingCloseCodes = TRANSPORT_CLOSE_CODES.filter((code) => !coverage.closeCodes.has(code));
  return { missing, unlisted, provokedAnyway, missingCloseCodes };
}

/**
 * The coverage table shown in docs/conformance/coverage.md: per command, each listed status with
 * its number of cases, marked when only one profile runs them, or why it cannot be provoked.
 */
export function coverageTable(cases: readonly Case[]): string {
  const coverage = computeCoverage(cases);
  const byId = new Map(cases.map((c) => [c.id, c]));
  const notProvokable = new Map(NOT_PROVOKABLE.map((n) => [`${n.command} ${n.st}`, n.reason]));
  const cell = (ids: readonly string[]): string => {
    const tags = ids.map((id) => byId.get(id)?.tags ?? []);
    const upstreamOnly = tags.every((t) => t.includes(UPSTREAM_ONLY_TAG));
    const oursOnly = ids.every((id) => {
      const c = byId.get(id);
      return c !== undefined && !inProfile(c, 'v0.7.4');
    });
    return `${ids.length}${upstreamOnly ? ' (v0.7.4 profile only)' : oursOnly ? ' (default profile only)' : ''}`;
  };
  const lines = ['| Command | Status → cases | Not provokable from a client |', '|---|---|---|'];
  for (const [row, listed] of Object.entries(COMMAND_STATUSES) as [CoverageRow, readonly number[]][]) {
    const seen = coverage.statuses.get(row);
    const covered = listed.filter((st) => (seen?.get(st)?.length ?? 0) > 0).map((st) => `**${st}**: ${cell(seen?.get(st) ?? [])}`);
    const excused = listed
      .filter((st) => notProvokable.has(`${row} ${st}`))
      .map((st) => `${st} — ${notProvokable.get(`${row} ${st}`) ?? ''}`);
    const missing = listed
      .filter((st) => !notProvokable.has(`${row} ${st}`) && (seen?.get(st)?.length ?? 0) === 0)
      .map((st) => `**${st}: MISSING**`);
    const name = row === '(request)' ? '(any request)' : `[${row}](../commands/${row.toLowerCase().replace(/_/g, '-')}.md)`;
    lines.push(`| ${name} | ${[...covered, ...missing].join(' · ')} | ${excused.join('; ') || '—'} |`);
  }
  const closes = TRANSPORT_CLOSE_CODES.map((code) => `**${code}**: ${cell(coverage.closeCodes.get(code) ?? [])}`);
  lines.push(`| (transport close codes) | ${closes.join(' · ')} | — |`);
  const inDefault = cases.filter((c) => inProfile(c, 'default')).length;
  const inUpstream = cases.filter((c) => inProfile(c, 'v0.7.4')).length;
  return [`${cases.length} cases: ${inDefault} in the default profile, ${inUpstream} in the v0.7.4 profile.`, '', ...lines].join('\n');
}
