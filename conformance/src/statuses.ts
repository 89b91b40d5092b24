// The statuses docs/reference/protocol.md lists for each command, written out by hand so that a test can check
// that every one of them appears in a documented case (coverage.test.ts).
//
// Sources, all in docs/reference/protocol.md (the project's protocol specification):
//   §8 SV_INFO; §9.1–§9.9 SH_* (per-command status tables; §9.9's table for the SH key
//   commands); §10.1–§10.14 KV_* (per-command tables and text); §3 for statuses the dispatcher
//   returns before any command runs (row "(request)"); §1 for the transport close codes.
// "26 / 41" rows mean both statuses. 26 and 41 are listed only for commands with parameters.
import type { CommandName } from '@nemesisdb/protocol';

/** `(request)`: answers given before a command is chosen (binary frame, bad JSON, bad shape, unknown name). */
export type CoverageRow = CommandName | '(request)';

export const COMMAND_STATUSES: Readonly<Record<CoverageRow, readonly number[]>> = {
  // §3: binary → 2; unparsable → 3; root not a one-member object / body not an object / no `_` → 13; unknown name → 10.
  '(request)': [2, 3, 10, 13],
  // §8: always 1; a body that is not an object → 13.
  SV_INFO: [1, 13],
  // §9.1; 42 and 103 for shared sessions (extension: `name` empty; a live shared session has the name)
  SH_NEW: [1, 26, 41, 42, 103],
  // Extension (shared sessions, docs/commands/sh-open.md): 102 no such name, 42 empty name;
  // 10 from v0.7.4 and from our server with --no-extensions.
  SH_OPEN: [1, 10, 26, 41, 42, 102],
  // §9.2
  SH_END: [1, 100],
  // Extension (§7, §13 C23, docs/commands/sh-set-expiry.md): 26/41 for `expiry` as SH_NEW's, 100 no live
  // session (or `tkn` missing or not a token); 10 from v0.7.4 and from our server with --no-extensions.
  SH_SET_EXPIRY: [1, 10, 26, 41, 100],
  // §9.3: only 1
  SH_END_ALL: [1],
  // §9.4
  SH_EXISTS: [1, 26, 41],
  // §9.5
  SH_INFO: [1, 13, 100],
  // §9.6: only 1
  SH_INFO_ALL: [1],
  // §9.7
  SH_SAVE: [14, 26, 41, 42, 121, 122, 123, 1000],
  // §9.8
  SH_LOAD: [26, 41, 141, 142, 1000],
  // §9.9 table
  SH_SET: [1, 26, 41, 100],
  SH_ADD: [1, 26, 41, 100],
  SH_GET: [1, 26, 41, 100],
  SH_RMV: [1, 26, 41, 42, 100],
  SH_CLEAR: [1, 100, 1000],
  SH_COUNT: [1, 100],
  SH_CONTAINS: [1, 26, 41, 100],
  SH_KEYS: [1, 100],
  SH_CLEAR_SET: [1, 26, 41, 100, 1000],
  // §10.1: 26/41; 1000 on internal failure
  KV_SET: [1, 26, 41, 1000],
  // §10.2
  KV_ADD: [1, 26, 41],
  // §10.3
  KV_GET: [1, 26, 41],
  // §10.4: `keys` array, required, non-empty
  KV_RMV: [1, 26, 41, 42],
  // §10.5: 1000 if clearing failed
  KV_CLEAR: [1, 1000],
  // §10.6
  KV_COUNT: [1],
  // §10.7
  KV_CONTAINS: [1, 26, 41],
  // §10.8
  KV_KEYS: [1],
  // §10.9
  KV_CLEAR_SET: [1, 26, 41, 1000],
  // §10.10
  KV_FIND: [1, 4, 13, 26, 41, 42],
  // §10.11 (1000 in the ERR envelope)
  KV_UPDATE: [1, 22, 26, 41, 1000],
  // §10.12
  KV_ARR_APPEND: [1, 22, 26, 41, 1000],
  // §10.13 (1000 in the ERR envelope)
  KV_SAVE: [14, 26, 41, 121, 122, 123, 1000],
  // §10.14 (140 only upstream, §14 D9; 1000 in the ERR envelope)
  KV_LOAD: [26, 41, 140, 141, 142, 1000],
};

/** §1: close codes our rules give (upstream drops the TCP connection instead, §14 D12). */
export const TRANSPORT_CLOSE_CODES: readonly number[] = [1007, 1009];

export interface NotProvokable {
  readonly command: CoverageRow;
  readonly st: number;
  readonly reason: string;
}

/**
 * Statuses no client request can bring about on a healthy server. Each needs a server-side failure
 * (a full or read-only disk, a file edited behind the server's back) or a 1 in 2^64 accident.
 */
export const NOT_PROVOKABLE: readonly NotProvokable[] = [
  { command: 'SH_SAVE', st: 123, reason: 'needs the data directory or a data file write to fail (disk full, I/O error)' },
  { command: 'SH_SAVE', st: 1000, reason: 'needs a filesystem exception during the save (e.g. permissions changed behind the server)' },
  {
    command: 'SH_LOAD',
    st: 1000,
    reason: 'needs unreadable metadata or a damaged dataset directory, which only the filesystem can produce',
  },
  { command: 'SH_CLEAR', st: 1000, reason: 'needs clearing an in-memory map to fail' },
  { command: 'SH_CLEAR_SET', st: 1000, reason: 'needs clearing an in-memory map to fail' },
  { command: 'KV_SET', st: 1000, reason: 'needs storing into an in-memory map to fail' },
  { command: 'KV_CLEAR', st: 1000, reason: 'needs clearing an in-memory map to fail' },
  { command: 'KV_CLEAR_SET', st: 1000, reason: 'needs clearing an in-memory map to fail' },
  { command: 'KV_SAVE', st: 123, reason: 'needs the data directory or a data file write to fail (disk full, I/O error)' },
  { command: 'KV_SAVE', st: 1000, reason: 'needs a filesystem exception during the save (e.g. permissions changed behind the server)' },
  {
    command: 'KV_LOAD',
    st: 1000,
    reason: 'needs unreadable metadata or a damaged dataset directory, which only the filesystem can produce',
  },
];
