// @nemesisdb/conformance — replays the JSON examples documented in docs/ against any NemesisDB
// server URL. The notation is described in docs/conformance/notation.md.

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
export { ExtractError, extractCases, slugify } from './extract.js';
export { buildCorpus, extractFromDocs, loadCorpus } from './corpus.js';
export {
  PLACEHOLDER_TYPES,
  hasType,
  matchValue,
  parsePlaceholder,
  valuesEqual,
  type Bindings,
  type MatchOptions,
  type Mismatch,
  type Placeholder,
  type PlaceholderType,
} from './match.js';
export { namespaceRequest, stripNamespace } from './namespace.js';
export { EXTENSION_TAG, IMPROVEMENT_TAG, MAX_PAYLOAD_TAG, PERSISTENCE_OFF_TAG, PERSISTENCE_ON_TAG, UPSTREAM_ONLY_TAG } from './tags.js';
export {
  PROFILES,
  inProfile,
  matchesPattern,
  parseSkipFile,
  selectCases,
  unmatchedRules,
  type Profile,
  type SelectOptions,
  type Selection,
  type SkipRule,
} from './select.js';
export {
  DEFAULT_MAX_PAYLOAD,
  DEFAULT_TIMEOUT_MS,
  persistenceSkip,
  runSuite,
  type RunListener,
  type RunOptions,
  type RunOutcome,
  type RunStart,
} from './run.js';
export {
  PROFILE_DEFAULTS,
  caseNeeds,
  describeSettings,
  requestSizeBound,
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
export { REPORT_GROUPS, markdownReport, markdownReporter } from './reporters/markdown.js';
export { summaryLine, WRITE_WARNING, type Output } from './reporters/output.js';
export { COMMAND_STATUSES, NOT_PROVOKABLE, TRANSPORT_CLOSE_CODES, type CoverageRow, type NotProvokable } from './statuses.js';
export { computeCoverage, coverageTable, findGaps, type Coverage, type CoverageGaps } from './coverage.js';
export { EXIT_ERROR, EXIT_FAILED, EXIT_PASSED, VERSION, runCli, type CliIo } from './cli-program.js';
