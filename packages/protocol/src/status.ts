/**
 * Every status (`st`) a NemesisDB v0.7.4 server can send, by the names of its code's
 * `RequestStatus` enum (docs/reference/protocol.md §5). Several exist in the enum but are never sent; they are
 * listed so that a client can still name them.
 */
export const Status = {
  Ok: 1,
  /** Binary WebSocket message (the docs call it PayLoadInvalid). */
  OpCodeInvalid: 2,
  JsonInvalid: 3,
  PathInvalid: 4,
  NoPath: 5,
  CommandNotExist: 10,
  CommandMultiple: 11,
  CommandType: 12,
  CommandSyntax: 13,
  CommandDisabled: 14,
  KeyNotExist: 22,
  ParamMissing: 26,
  ValueMissing: 40,
  ValueTypeInvalid: 41,
  ValueSize: 42,
  SessionNotExist: 100,
  SessionTokenInvalid: 101,
  SessionOpenFail: 102,
  SessionNewFail: 103,
  SaveStart: 120,
  SaveComplete: 121,
  SaveDirWriteFail: 122,
  SaveError: 123,
  Loading: 140,
  LoadComplete: 141,
  LoadError: 142,
  Unknown: 1000,
} as const;

/** The name of a status, e.g. `'SessionNotExist'`. */
export type StatusName = keyof typeof Status;

/** A status number, e.g. `100`. */
export type StatusCode = (typeof Status)[StatusName];

const NAMES = new Map<number, StatusName>((Object.entries(Status) as [StatusName, StatusCode][]).map(([name, code]) => [code, name]));

/** The name of a status number, or `undefined` for a number no server sends. */
export function statusName(code: number): StatusName | undefined {
  return NAMES.get(code);
}

/** What each status means, in one line, for error messages and the docs. */
export const STATUS_MEANINGS: Readonly<Record<StatusName, string>> = {
  Ok: 'success',
  OpCodeInvalid: 'the WebSocket message was binary; requests are text',
  JsonInvalid: 'the request is not valid JSON',
  PathInvalid: 'the JSONPath could not be parsed or evaluated',
  NoPath: 'reserved (never sent)',
  CommandNotExist: 'no such command',
  CommandMultiple: 'reserved (never sent; several commands give CommandSyntax)',
  CommandType: 'reserved (never sent; a non-object body gives CommandSyntax)',
  CommandSyntax: 'the request or the command body has the wrong shape',
  CommandDisabled: 'the command is disabled (persistence is off)',
  KeyNotExist: 'the key does not exist',
  ParamMissing: 'a required parameter is missing',
  ValueMissing: 'reserved (never sent; missing parameters give ParamMissing)',
  ValueTypeInvalid: 'a parameter has the wrong type',
  ValueSize: 'a parameter is empty where it must not be',
  SessionNotExist: 'no session has this token (or the token is missing or invalid)',
  SessionTokenInvalid: 'reserved (never sent; bad tokens give SessionNotExist)',
  SessionOpenFail: 'no live shared session has this name (SH_OPEN, an extension)',
  SessionNewFail: 'a live shared session already has this name (or, upstream, the generated token already existed)',
  SaveStart: 'reserved (never sent)',
  SaveComplete: 'the dataset was saved',
  SaveDirWriteFail: 'the dataset directory or its metadata could not be written',
  SaveError: 'writing the dataset failed',
  Loading: 'the dataset has no data (upstream only)',
  LoadComplete: 'the dataset was loaded',
  LoadError: 'the dataset is missing, incomplete or unreadable',
  Unknown: 'internal error, or an operation on a value of the wrong kind',
};

/**
 * Whether `st` means the command did what was asked: 1 for every command, except the SAVE
 * commands (121) and the LOAD commands (141) — the rule v0.7.4's own Python client applies.
 */
export function isSuccess(command: string, st: number): boolean {
  if (command.endsWith('_SAVE')) return st === Status.SaveComplete;
  if (command.endsWith('_LOAD')) return st === Status.LoadComplete;
  return st === Status.Ok;
}
