// @nemesisdb/engine — executes every SH_, KV_ and SV_ command of NemesisDB v0.7.4 over sessions,
// keys and exact expiry. Knows nothing of sockets.
//
// api/index.txt lists this surface (src/public-api.test.ts checks it); what only sibling packages
// need is in ./internal.

export {
  ENGINE_VERSION,
  Engine,
  PROTOCOL_VERSION,
  type CommandCount,
  type EngineOptions,
  type JournalFailure,
  type JournalSink,
} from './engine.js';
export { MemoryGuard } from './memory-guard.js';
export { ManualClock, monotonicClock, type Clock } from './clock.js';
export { ManualScheduler, nodeScheduler, type Scheduler } from './scheduler.js';
export { RandomTokens, type TokenSource } from './tokens.js';
export type { MaybePromise } from './maybe-promise.js';
export type { Envelope, ReplyBody } from './replies.js';
export { noPersistence, type Dataset, type LoadOutcome, type Persistence, type SaveOutcome } from './persistence.js';
export {
  NO_SESSION,
  type DataStore,
  type ExpirySettings,
  type KvEditResult,
  type KvStore,
  type NoSession,
  type SessionInfo,
  type SessionRecord,
  type SessionStore,
  type StoreStats,
} from './store/store.js';
export { MemoryStore, type MemoryStoreOptions } from './store/memory/memory-store.js';
export { JsonPathError } from './kv/jsonpath.js';
export { FilePersistence, type FilePersistenceOptions, type LoadProgress } from './persist/file-persistence.js';
export { isValidDatasetName } from './persist/layout.js';
export { checkDataset, type DatasetCheck, type SaveCheck } from './persist/check-dataset.js';
export { checkJournal, type JournalCheck, type LogCheck } from './journal/check-journal.js';
export type { LogDamage } from './journal/log-scan.js';
export type { FileSystem, WritableFile } from './files/file-system.js';
export type { DatasetKind } from './persistence.js';
export type { KvEntry, Snapshot } from './store/store.js';
export { Journal, JournalDamagedError, type JournalOptions, type RecoveryReport } from './journal/journal.js';
export { JournalStalledError, type FsyncPolicy } from './journal/journal-file.js';
