import { JsonDecodeError, MAX_UINT64, decode, encode, isJsonObject, type ExactJsonObject, type ExactJsonValue } from '@nemesisdb/protocol';
import { createMembers } from '../objects.js';
import type { SessionRecord } from '../store/store.js';
import { METADATA_VERSION, SaveStatus } from './layout.js';

/** A dataset file that does not hold what its kind says (answered 142, nothing loaded). */
export class DamagedDataset extends Error {
  override readonly name = 'DamagedDataset';
}

// ---------------------------------------------------------------------------------- metadata

export interface Metadata {
  name: string;
  saveDataType: number;
  status: number;
  start: number;
  complete: number;
}

/** md.json as upstream writes it: members sorted, wall-clock milliseconds. */
export function encodeMetadata(metadata: Metadata): string {
  return encode({
    complete: metadata.complete,
    name: metadata.name,
    saveDataType: metadata.saveDataType,
    start: metadata.start,
    status: metadata.status,
    version: METADATA_VERSION,
  });
}

/** Reads md.json: it must parse and hold an unsigned `saveDataType` and `status` (§11.3). */
export function decodeMetadata(text: string): Metadata {
  let value: unknown;
  try {
    value = decode(text);
  } catch (error) {
    throw new DamagedDataset(`metadata is not JSON: ${(error as Error).message}`);
  }
  if (!isJsonObject(value)) throw new DamagedDataset('metadata is not an object');
  const { saveDataType, status } = value;
  if (!isUnsigned(saveDataType) || !isUnsigned(status)) throw new DamagedDataset('metadata lacks saveDataType or status');
  return {
    name: typeof value.name === 'string' ? value.name : '',
    saveDataType: Number(saveDataType),
    status: Number(status),
    start: Number(value.start ?? 0),
    complete: Number(value.complete ?? 0),
  };
}

export const COMPLETE = SaveStatus.Complete;

function isUnsigned(value: unknown): value is number | bigint {
  return (typeof value === 'number' && Number.isInteger(value) && value >= 0) || (typeof value === 'bigint' && value >= 0n);
}

// ---------------------------------------------------------------------------------- sessions

/**
 * One session as upstream writes it in a session data file:
 * `{"keys":{…},"sh":{"expiry":{"deleteSession":…,"duration":…,"extendOnGet":…,"extendOnSetAdd":…},"shared":…,"tkn":…}}`.
 * A session that never expires is written with duration 0 and every flag false. A shared session
 * (extension) also has `"name"` in `sh` (upstream v0.7.4 reads it and ignores it).
 */
export function encodeSessionRecord(record: SessionRecord): string {
  const expiry = record.expiry;
  return (
    '{"keys":' +
    encode(record.keys) +
    ',"sh":{"expiry":{"deleteSession":' +
    (expiry?.deleteSession ?? false) +
    ',"duration":' +
    String(expiry?.durationSeconds ?? 0) +
    ',"extendOnGet":' +
    (expiry?.extendOnGet ?? false) +
    ',"extendOnSetAdd":' +
    (expiry?.extendOnSetAdd ?? false) +
    '},' +
    (record.name === undefined ? '' : '"name":' + encode(record.name) + ',') +
    '"shared":' +
    record.shared +
    ',"tkn":' +
    record.token.toString() +
    '}}'
  );
}

/** Reads a session data file: a JSON array of session records; anything else is damage. */
export function decodeSessionFile(text: string): SessionRecord[] {
  const value = decodeFile(text);
  if (!Array.isArray(value)) throw new DamagedDataset('a session data file must hold an array');
  return value.map(readSessionRecord);
}

function readSessionRecord(value: ExactJsonValue, index: number): SessionRecord {
  const fail = (why: string): never => {
    throw new DamagedDataset(`session record ${index}: ${why}`);
  };
  if (!isJsonObject(value)) return fail('not an object');
  const { keys, sh } = value;
  if (!isJsonObject(keys)) return fail('"keys" is not an object');
  if (!isJsonObject(sh)) return fail('"sh" is not an object');
  const { expiry, name, shared, tkn } = sh;
  const token = typeof tkn === 'number' && Number.isSafeInteger(tkn) && tkn >= 0 ? BigInt(tkn) : tkn;
  if (typeof token !== 'bigint' || token < 0n || token > MAX_UINT64) return fail('"tkn" is not a token');
  if (typeof shared !== 'boolean') return fail('"shared" is not a boolean');
  if (!isJsonObject(expiry)) return fail('"expiry" is not an object');
  const duration = expiry.duration;
  // A uint (§2.2), checked inline: this runs for every session of a load.
  const isUint =
    (typeof duration === 'number' && Number.isSafeInteger(duration) && duration >= 0) ||
    (typeof duration === 'bigint' && duration >= 0n && duration <= MAX_UINT64);
  if (!isUint) return fail('"duration" is not an unsigned integer');
  if (!isFlag(expiry.deleteSession) || !isFlag(expiry.extendOnGet) || !isFlag(expiry.extendOnSetAdd)) {
    return fail('an expiry flag is not a boolean');
  }
  const never = duration === 0 || duration === 0n;
  const record: SessionRecord = {
    token,
    shared,
    expiry: never
      ? undefined
      : {
          durationSeconds: duration,
          deleteSession: expiry.deleteSession === true,
          extendOnGet: expiry.extendOnGet === true,
          extendOnSetAdd: expiry.extendOnSetAdd === true,
        },
    keys,
  };
  // A name is kept for shared sessions only (upstream v0.6 wrote one for every session).
  if (shared && typeof name === 'string' && name !== '') record.name = name;
  return record;
}

function isFlag(value: unknown): boolean {
  return value === undefined || typeof value === 'boolean';
}

// ---------------------------------------------------------------------------------- KV

/** One KV member of a KV data file: `"<key>":<value>`, the key escaped (upstream's is not, §14 D5). */
export function encodeKvMember(key: string, value: ExactJsonValue): string {
  return JSON.stringify(key) + ':' + encode(value);
}

/**
 * Reads a KV data file: `{"keys":{…}}`. Files written by upstream may hold key names it did not
 * escape (§14 D5): a key with `"`, `\` or a control character makes the file invalid JSON. Such a
 * file is read again with the keys taken verbatim up to the `":` that ends them, which recovers
 * every key that does not itself contain `":`.
 */
export function decodeKvFile(text: string): ExactJsonObject {
  let value: ExactJsonValue;
  try {
    value = decodeFile(text);
  } catch (error) {
    if (!(error instanceof DamagedDataset)) throw error;
    value = decodeFile(escapeUpstreamKeys(text) ?? text);
  }
  if (!isJsonObject(value) || !isJsonObject(value.keys)) throw new DamagedDataset('a KV data file must hold {"keys":{…}}');
  // Copied into a prototype-less object: member names are user data.
  const keys = createMembers();
  for (const key in value.keys) keys[key] = value.keys[key]!;
  return keys;
}

function decodeFile(text: string): ExactJsonValue {
  try {
    return decode(text, { exactNumbers: true });
  } catch (error) {
    if (error instanceof JsonDecodeError) throw new DamagedDataset(`not JSON: ${error.message}`);
    throw error;
  }
}

/** Rewrites `{"keys":{"<raw key>":<value>,…}}` with every raw key escaped; undefined if not that shape. */
function escapeUpstreamKeys(text: string): string | undefined {
  const opening = '{"keys":{';
  if (!text.startsWith(opening)) return undefined;
  let out = opening;
  let at = opening.length;
  if (text.startsWith('}}', at)) return text;
  for (;;) {
    if (text[at] !== '"') return undefined;
    const keyEnd = text.indexOf('":', at + 1);
    if (keyEnd < 0) return undefined;
    const valueEnd = skipValue(text, keyEnd + 2);
    if (valueEnd < 0) return undefined;
    out += JSON.stringify(text.slice(at + 1, keyEnd)) + ':' + text.slice(keyEnd + 2, valueEnd);
    at = valueEnd;
    if (text[at] === ',') {
      out += ',';
      at++;
    } else if (text.startsWith('}}', at)) {
      return out + text.slice(at);
    } else {
      return undefined;
    }
  }
}

/** The end of the (well-formed) JSON value starting at `at`, or -1. */
function skipValue(text: string, at: number): number {
  let depth = 0;
  let i = at;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '{' || c === '[') {
      depth++;
      i++;
    } else if (c === '}' || c === ']') {
      if (depth === 0) return i;
      depth--;
      i++;
    } else if (c === ',' && depth === 0) {
      return i;
    } else {
      i++;
    }
  }
  return -1;
}
