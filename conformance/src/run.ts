// Running a suite against a server: the selected cases one after another (run-case.ts runs one),
// skips and expected failures judged, listeners told, the summary counted.
import { randomBytes } from 'node:crypto';
import type { ServerAccess } from './connection.js';
import { Control } from './control.js';
import { runCase } from './run-case.js';
import { matchesPattern, selectCases, type Profile, type SelectOptions, type SkipRule } from './select.js';
import { resolveSettings, settingsSkip, type ServerSettings, type SettingsInput } from './settings.js';
import type { Case, CaseResult, ServerFacts, Summary } from './types.js';

/** Our server's default maxPayload (the default profile's; see PROFILE_DEFAULTS for the others). */
export const DEFAULT_MAX_PAYLOAD = 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 5000;

export interface RunListener {
  onStart?(info: RunStart): void;
  onCaseStart?(c: Case, index: number, total: number): void;
  onCaseEnd?(result: CaseResult, index: number, total: number): void;
  onEnd?(summary: Summary, results: readonly CaseResult[]): void;
}

export interface RunStart {
  readonly facts: ServerFacts;
  readonly profile: Profile;
  /** Cases in the run (including those that will be skipped). */
  readonly total: number;
  /** Corpus cases left out by the profile and the filters. */
  readonly leftOut: number;
  readonly leftOutCases: readonly Case[];
  /** The settings the run judges the server by, and where each came from. */
  readonly settings: ServerSettings;
  /** Options that contradict what the server reports. */
  readonly warnings: readonly string[];
}

export interface RunOptions extends SelectOptions {
  /** The server, e.g. `ws://127.0.0.1:1987`. */
  readonly url: string;
  readonly cases: readonly Case[];
  /**
   * The server's maxPayload, for requests written with `pad=max` / `pad=max+1`; `unknown` skips
   * those cases. Default: the profile's (PROFILE_DEFAULTS).
   */
  readonly maxPayload?: SettingsInput['maxPayload'];
  /** Whether the server has persistence enabled. Default: SV_INFO's `persistEnabled`, else the profile's. */
  readonly persistence?: SettingsInput['persistence'];
  /** Cases that must fail (known gaps of the server under test); one that passes fails the run. */
  readonly expectFail?: readonly SkipRule[];
  /** How long to wait for a reply or a close. */
  readonly timeoutMs?: number;
  /** Token and CA for a server that requires them. */
  readonly access?: ServerAccess;
  readonly listener?: RunListener;
}

export interface RunOutcome {
  readonly facts: ServerFacts;
  readonly settings: ServerSettings;
  readonly results: readonly CaseResult[];
  readonly summary: Summary;
}

/** Runs the selected cases one after another. Rejects only when the server cannot be reached. */
export async function runSuite(options: RunOptions): Promise<RunOutcome> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const control = new Control(options.url, timeoutMs, options.access ?? {});
  const facts = await control.facts();
  const profile = options.profile ?? 'default';
  const { settings, warnings } = resolveSettings(profile, { maxPayload: options.maxPayload, persistence: options.persistence }, facts);
  const selection = selectCases(options.cases, options);
  const total = selection.cases.length;
  options.listener?.onStart?.({
    facts,
    profile,
    total,
    leftOut: selection.leftOut,
    leftOutCases: selection.leftOutCases,
    settings,
    warnings,
  });

  // A run-unique prefix keeps this run's KV keys apart from everything else on the server.
  const runId = randomBytes(3).toString('hex');
  const results: CaseResult[] = [];
  try {
    for (const [index, { case: c, skipReason }] of selection.cases.entries()) {
      options.listener?.onCaseStart?.(c, index, total);
      const reason = skipReason ?? settingsSkip(c, settings);
      const expected = options.expectFail?.find((rule) => matchesPattern(c, rule.pattern));
      const result: CaseResult = reason
        ? { case: c, status: 'skipped', durationMs: 0, message: reason }
        : judgeExpectation(
            await runCase(c, {
              url: options.url,
              prefix: `cf.${runId}.${index}.`,
              // settingsSkip has skipped the padded cases when maxPayload is unknown.
              maxPayload: settings.maxPayload.value ?? DEFAULT_MAX_PAYLOAD,
              timeoutMs,
              access: options.access ?? {},
              control,
            }),
            expected,
          );
      results.push(result);
      options.listener?.onCaseEnd?.(result, index, total);
    }
  } finally {
    await control.close();
  }
  const summary: Summary = {
    passed: results.filter((r) => r.status === 'passed').length,
    failed: results.filter((r) => r.status === 'failed').length,
    skipped: results.filter((r) => r.status === 'skipped').length,
    expectedFailures: results.filter((r) => r.status === 'expected-failure').length,
    durationMs: Math.round(performance.now() - started),
  };
  options.listener?.onEnd?.(summary, results);
  return { facts, settings, results, summary };
}

/** A case an expect-fail list names must fail; when it passes, the list is out of date and the run fails. */
function judgeExpectation(result: CaseResult, expected: SkipRule | undefined): CaseResult {
  if (!expected) return result;
  if (result.status === 'failed') return { ...result, status: 'expected-failure', expectedFailure: expected.reason };
  return {
    ...result,
    status: 'failed',
    expectedFailure: expected.reason,
    unexpectedPass: true,
    message: `passed, but it is listed as an expected failure (${expected.reason}): remove it from the expect-fail list`,
  };
}

/**
 * Why a case cannot run on this server as far as persistence goes, or null: SAVE needs persistence
 * enabled (status 14 otherwise) and the cases that expect 14 need it disabled; SV_INFO's
 * `persistEnabled` says which. Kept for library users; runs use settingsSkip (settings.ts).
 */
export function persistenceSkip(c: Case, facts: ServerFacts): string | null {
  const { settings } = resolveSettings('default', { maxPayload: Number.MAX_SAFE_INTEGER }, facts);
  return settingsSkip(c, settings);
}
