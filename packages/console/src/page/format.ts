// Reading and showing wire text exactly. Pure functions (no DOM), tested in Node.
//
// Replies are read with the protocol's lossless `decode`, never `JSON.parse`: a session token such
// as 16351792548006066062 is above 2^53 and JSON.parse would round it to 16351792548006066000.
// `exactNumbers` also keeps `60.0` apart from `60`, so what is shown is what the server sent.

import {
  JsonDecodeError,
  JsonDouble,
  STATUS_MEANINGS,
  decode,
  encode,
  isSuccess,
  statusName,
  type ExactJsonObject,
  type ExactJsonValue,
} from '@nemesisdb/protocol/codec';

function isObject(value: ExactJsonValue | undefined): value is ExactJsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonDouble);
}

/**
 * Indented JSON with every number exactly as decoded: integers beyond 2^53 are `bigint` and are
 * written as their digits, doubles such as `60.0` keep their point (the protocol's `encode` writes
 * each scalar).
 */
export function pretty(value: ExactJsonValue, indent = ''): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const inner = indent + '  ';
    return `[\n${value.map((item) => inner + pretty(item, inner)).join(',\n')}\n${indent}]`;
  }
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return '{}';
    const inner = indent + '  ';
    return `{\n${keys.map((key) => `${inner}${JSON.stringify(key)}: ${pretty(value[key] as ExactJsonValue, inner)}`).join(',\n')}\n${indent}}`;
  }
  return encode(value);
}

/** Reads text as the server would, exactly; `undefined` when it is not JSON. */
export function readJson(text: string): ExactJsonValue | undefined {
  try {
    return decode(text, { exactNumbers: true });
  } catch (error) {
    if (error instanceof JsonDecodeError) return undefined;
    throw error;
  }
}

/** Where and why a text is not JSON: 1-based line and column of the decoder's position. */
export interface JsonProblem {
  message: string;
  line: number;
  column: number;
  position: number;
}

/** Line and column (1-based; a tab counts as one column) of an offset in a text. */
export function lineAndColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(position, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

/** Why a text is not JSON, with line and column, or `undefined` when it is. */
export function jsonProblemAt(text: string): JsonProblem | undefined {
  try {
    decode(text, { exactNumbers: true });
    return undefined;
  } catch (error) {
    if (!(error instanceof JsonDecodeError)) throw error;
    const position = error.position ?? text.length;
    const message = error.message.replace(/ at position \d+$/, '');
    return { message, position, ...lineAndColumn(text, position) };
  }
}

/** Why a text is not JSON in one line (`line 2, column 5: expected a member name`), or `undefined`. */
export function jsonProblem(text: string): string | undefined {
  const problem = jsonProblemAt(text);
  return problem === undefined ? undefined : `line ${problem.line}, column ${problem.column}: ${problem.message}`;
}

/** The command a request names: its only member (`SH_NEW` of `{"SH_NEW":{}}`), if it has one. */
export function commandOf(request: string): string | undefined {
  const value = readJson(request);
  if (!isObject(value)) return undefined;
  const names = Object.keys(value);
  return names.length === 1 ? names[0] : undefined;
}

/** What the console shows of one reply. */
export interface ReplySummary {
  /** The reply's member: `SH_NEW_RSP`, `ERR`, … (`undefined` for text that is not a JSON object). */
  envelope: string | undefined;
  /** `st`, when the reply has a numeric one. */
  status: number | undefined;
  /** `statusName(st)`: `Ok`, `SessionNotExist`, … */
  statusName: string | undefined;
  /** The status's meaning in one line (`STATUS_MEANINGS`). */
  meaning: string | undefined;
  /** The command succeeded: not `ERR`, and `st` is its success status (121 for SAVE, 141 for LOAD, else 1). */
  ok: boolean;
  /** The reply, indented, numbers exact; the raw text when it is not JSON. */
  text: string;
  /** The reply decoded exactly, when it is JSON. */
  value: ExactJsonValue | undefined;
  /** The server's `m`, when it says something (`"Missing parameter"`, `"keys"`, …). */
  message: string | undefined;
  /** The token of a session this reply created (SH_NEW), as exact decimal digits. */
  newToken: string | undefined;
}

/** Reads a reply: envelope, status and its name, indented text, and a new session's token. */
export function summarize(reply: string): ReplySummary {
  const value = readJson(reply);
  const summary: ReplySummary = {
    envelope: undefined,
    status: undefined,
    statusName: undefined,
    meaning: undefined,
    ok: false,
    text: value === undefined ? reply : pretty(value),
    value,
    message: undefined,
    newToken: undefined,
  };
  if (!isObject(value)) return summary;
  const [envelope] = Object.keys(value);
  if (envelope === undefined) return summary;
  summary.envelope = envelope;
  const body = value[envelope];
  if (!isObject(body)) return summary;
  if (typeof body.m === 'string' && body.m !== '') summary.message = body.m;
  const st = body.st;
  if (typeof st === 'number') {
    summary.status = st;
    const name = statusName(st);
    summary.statusName = name;
    summary.meaning = name === undefined ? undefined : STATUS_MEANINGS[name];
    const command = envelope.endsWith('_RSP') ? envelope.slice(0, -'_RSP'.length) : undefined;
    summary.ok = command !== undefined && isSuccess(command, st);
    if (summary.ok && command === 'SH_NEW') summary.newToken = tokenText(body.tkn);
  }
  return summary;
}

/** A token as exact decimal digits: `bigint` above 2^53, `number` below (both exact as decoded). */
export function tokenText(value: ExactJsonValue | undefined): string | undefined {
  if (typeof value === 'bigint' && value >= 0n) return value.toString();
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return undefined;
}

/** Whether a text is a session token: the decimal digits of an unsigned 64-bit integer. */
export function isTokenText(text: string): boolean {
  return /^(0|[1-9][0-9]{0,19})$/.test(text) && BigInt(text) <= 18446744073709551615n;
}

/** A clock time for a reply's head: `14:03:07.250`, local time. */
export function clockTime(epochMs: number): string {
  const date = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

/** Milliseconds for people: `0.4 ms`, `12.3 ms`, `1.52 s`. */
export function formatDuration(ms: number): string {
  // One decimal: browsers give timers 0.1 ms resolution (no cross-origin isolation here).
  return ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
