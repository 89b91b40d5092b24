// @nemesisdb/conformance — replays the JSON examples documented in docs/ against any NemesisDB
// server URL. The notation is described in docs/conformance/notation.md.
//
// The public surface is what the README's "As a library" section documents, and the types those
// functions take and return; src/public-api.test.ts lists it, so widening it is a reviewed change.
// Everything else (the matcher's parts, the namespace rewriting, tag names, run internals) is
// reached by the CLI and the tests through their own modules.

export type {
  Case,
  CaseResult,
  CaseStatus,
  ConnectStep,
  Corpus,
  ExpectCloseStep,
  ExpectStep,
  Padding,
  SendMode,
  SendStep,
  ServerFacts,
  Step,
  Summary,
  WaitStep,
} from './types.js';
export { extractCases } from './extract.js';
export { extractFromDocs, loadCorpus } from './corpus.js';
export { matchValue, type Bindings, type MatchOptions, type Mismatch } from './match.js';
export { PROFILES, parseSkipFile, selectCases, type Profile, type SelectOptions, type Selection, type SkipRule } from './select.js';
export { runSuite, type RunListener, type RunOptions, type RunOutcome, type RunStart } from './run.js';
export {
  PROFILE_DEFAULTS,
  resolveSettings,
  settingsSkip,
  type ProfileDefaults,
  type ResolvedSettings,
  type ServerSettings,
  type Setting,
  type SettingSource,
  type SettingsInput,
} from './settings.js';
export { REPORTERS, combineListeners, createReporter, type ReporterName } from './reporters/index.js';
export { markdownReport } from './reporters/markdown.js';
export { summaryLine, type Output } from './reporters/output.js';
export { COMMAND_STATUSES, type CoverageRow, type NotProvokable } from './statuses.js';
export { computeCoverage, coverageTable, findGaps, type Coverage, type CoverageGaps } from './coverage.js';
export { EXIT_ERROR, EXIT_FAILED, EXIT_PASSED } from './cli-program.js';
