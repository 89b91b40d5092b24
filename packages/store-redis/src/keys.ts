// Where everything lives in the cluster (the key layout), and how user-given names become Redis
// keys and hash fields and back.
//
//   <prefix>{s:<token>}:meta   hash   a session: `sh` (shared 0/1), and for an expiring session
//                                     `dur` (seconds, exact decimal), `ms` (duration in ms, capped),
//                                     `del` / `ess` / `eog` (flags 0/1), `dl` (deadline, absolute
//                                     wall-clock ms) and `arm` (when the current period began)
//   <prefix>{s:<token>}:data   hash   the session's keys: name → JSON text (absent when empty)
//   <prefix>kv:<name>          string one KV key: JSON text
//   <prefix>{n:<name>}         string a shared session's name (extension): the holder's token.
//                                     Believed only when the session agrees (meta `nm` holds
//                                     the name, and it is live); for a deleteSession:true
//                                     session it expires a slack after it (meta `nx`)
//
// The hash tag `{s:<token>}` puts both keys of a session in one slot, so one Lua script can change
// them together (a cluster refuses scripts over keys of several slots). KV keys carry no tag: each
// is its own slot, so the global map spreads over every master; the price is that KV_KEYS,
// KV_COUNT, KV_CLEAR and a KV_FIND over all keys scan every master (see README, "Cost").

/** Default key prefix: keeps NemesisDB's keys apart from anything else in the cluster. */
export const DEFAULT_KEY_PREFIX = 'nemesisdb:';

/** What a key prefix must be, for every place that checks one (store options, config, flags). */
export const KEY_PREFIX_RULE = 'must be a string without { or }';

/**
 * Whether `prefix` can prefix keys: a brace would become the hash tag of every key (Redis hashes
 * the first {…}), putting all sessions in one slot.
 */
export function isValidKeyPrefix(prefix: string): boolean {
  return !/[{}]/.test(prefix);
}

/**
 * Names that are not well-formed UTF-16 (a lone surrogate, which JSON allows: `"\ud800"`) cannot
 * be written as UTF-8 without loss. They are written as this marker (a noncharacter, valid UTF-8)
 * followed by their JSON text, which escapes the surrogate; so are names that start with the
 * marker, so no escaped name can collide with a plain one. Every name round-trips exactly.
 *
 * The result is always a well-formed string, never bytes: ioredis' auto-pipelining routes a
 * command by its key turned into text, so a key given as bytes that are not UTF-8 would be routed
 * by another slot than the one Redis computes, and the pipeline refused.
 */
const ESCAPE_MARK = '\uffff';
const NEEDS_ESCAPE = /^\uffff|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A key or field name as sent to Redis. */
export function nameArg(name: string): string {
  return NEEDS_ESCAPE.test(name) ? ESCAPE_MARK + JSON.stringify(name) : name;
}

/** The name written by {@link nameArg}, read back from its bytes. */
export function nameFrom(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.startsWith(ESCAPE_MARK) ? (JSON.parse(text.slice(ESCAPE_MARK.length)) as string) : text;
}

/** Escapes SCAN MATCH's glob characters, so a prefix matches only itself. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** The keys of one prefix (one NemesisDB deployment) in a cluster. */
export class KeyLayout {
  /** SCAN patterns over this prefix's keys. */
  readonly sessionMetaPattern: string;
  readonly sessionDataPattern: string;
  readonly kvPattern: string;
  private readonly kvHead: string;
  private readonly kvHeadBytes: Buffer;
  /** What every session key starts with: the prefix and the hash tag's opening, `<prefix>{s:`. */
  readonly sessionHead: string;

  constructor(readonly prefix: string = DEFAULT_KEY_PREFIX) {
    // Refused rather than silently losing the spread over the cluster's slots.
    if (!isValidKeyPrefix(prefix)) throw new RangeError(`keyPrefix ${KEY_PREFIX_RULE}: ${JSON.stringify(prefix)}`);
    this.sessionHead = `${prefix}{s:`;
    this.kvHead = `${prefix}kv:`;
    this.kvHeadBytes = Buffer.from(this.kvHead, 'utf8');
    const escaped = globEscape(prefix);
    this.sessionMetaPattern = `${escaped}{s:*}:meta`;
    this.sessionDataPattern = `${escaped}{s:*}:data`;
    this.kvPattern = `${escaped}kv:*`;
  }

  sessionMeta(token: bigint): string {
    return this.sessionMetaOf(String(token));
  }

  /** The meta key of the session whose token is written `digits`. */
  sessionMetaOf(digits: string): string {
    return `${this.sessionHead}${digits}}:meta`;
  }

  sessionData(token: bigint): string {
    return this.sessionDataOf(String(token));
  }

  /** The data key of the session whose token is written `digits`. */
  sessionDataOf(digits: string): string {
    return `${this.sessionHead}${digits}}:data`;
  }

  /** The token named by a session's meta key (from a SCAN), or undefined for any other key. */
  tokenOfMeta(key: Buffer | string): bigint | undefined {
    const text = typeof key === 'string' ? key : key.toString('utf8');
    if (!text.startsWith(this.sessionHead) || !text.endsWith('}:meta')) return undefined;
    const digits = text.slice(this.sessionHead.length, -'}:meta'.length);
    return /^[0-9]{1,20}$/.test(digits) ? BigInt(digits) : undefined;
  }

  /** A shared session's name key: its own slot, apart from the session's (see sessions.ts). */
  nameKey(name: string): string {
    return `${this.prefix}{n:${nameArg(name)}}`;
  }

  /** The name key of a name as a script read it back from a session's meta (already escaped). */
  nameKeyOfStored(stored: string): string {
    return `${this.prefix}{n:${stored}}`;
  }

  kvKey(name: string): string {
    return this.kvHead + nameArg(name);
  }

  /** The KV name of a key found by SCAN. */
  kvNameOf(key: Buffer): string {
    return nameFrom(key.subarray(this.kvHeadBytes.length));
  }
}
