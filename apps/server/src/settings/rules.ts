// The rules values are checked against: zod schemas whose error text is the rule's sentence. Ranges
// are written once, as numbers; the sentences and the docs' range texts are computed from them.
import { isIP } from 'node:net';
import { KEY_PREFIX_RULE, RedisConfigError, isValidKeyPrefix, parseNodes, type RedisNode } from '@nemesisdb/store-redis';
import { z } from 'zod';
import { invalid } from './errors.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const STORE_TYPES = ['memory', 'redis'] as const;
export type StoreType = (typeof STORE_TYPES)[number];
export const REDIS_ORDERINGS = ['session', 'connection'] as const;
export const JOURNAL_POLICIES = ['always', 'everysec', 'no', 'off'] as const;

/** `1048576` → `1 MiB`; a number that is no whole KiB, MiB or GiB stays as it is. */
export function bytes(n: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  }
  return String(n);
}

/** `"a", "b" or "c"`. */
export function quotedChoice(words: readonly string[]): string {
  const quoted = words.map((word) => `"${word}"`);
  return `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

/**
 * An integer in [min, max] (max undefined: no upper bound), its rule sentence and its range for the
 * docs. z.int() also refuses bigints and JsonDouble (`1024.0`), as upstream's uint check does.
 */
export function integer(min: number, max?: number, options: { bytes?: boolean } = {}) {
  const unit = (n: number) => (options.bytes === true && bytes(n) !== String(n) ? ` (${bytes(n)})` : '');
  const rule = max === undefined ? `must be an integer of at least ${min}${unit(min)}` : `must be an integer from ${min} to ${max}`;
  const range =
    max === undefined
      ? `≥ ${options.bytes === true ? bytes(min) : min}`
      : options.bytes === true
        ? `${bytes(min)}–${bytes(max)}`
        : `${min}–${max}`;
  let schema = z.int({ error: rule }).min(min, { error: rule });
  if (max !== undefined) schema = schema.max(max, { error: rule });
  return { schema, rule, range };
}

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

export const RULE = {
  host: 'must be an IPv4 or IPv6 address or a host name',
  enabled: 'must be true or false',
  path: 'must be a string',
  journal: `must be ${quotedChoice(JOURNAL_POLICIES)}`,
  tokens: 'must be a token of at least 16 characters, or a list of them',
  origins: 'must be a list of origins such as "https://app.example.com"',
  file: 'must be a path to a readable file',
  storeType: `must be ${quotedChoice(STORE_TYPES)}`,
  redisNodes: 'must be a non-empty list of host:port (e.g. "10.0.0.1:7000,10.0.0.2:7000")',
  redisKeyPrefix: KEY_PREFIX_RULE,
  redisOrdering: `must be ${quotedChoice(REDIS_ORDERINGS)}`,
  text: 'must be a string',
  logLevel: `must be one of ${LOG_LEVELS.join(', ')}`,
} as const;

export const schemas = {
  host: z.string({ error: RULE.host }).refine((host) => isIP(host) !== 0 || HOST_NAME.test(host), { error: RULE.host }),
  enabled: z.boolean({ error: RULE.enabled }),
  path: z.string({ error: RULE.path }),
  journal: z.enum(JOURNAL_POLICIES, { error: RULE.journal }),
  logLevel: z.enum(LOG_LEVELS, { error: RULE.logLevel }),
  tokens: z.array(z.string({ error: RULE.tokens }).min(16, { error: RULE.tokens }), { error: RULE.tokens }).min(1, { error: RULE.tokens }),
  origins: z.array(z.string({ error: RULE.origins }).regex(/^https?:\/\/[^/\s]+$/i, { error: RULE.origins }), { error: RULE.origins }),
  file: z.string({ error: RULE.file }).min(1, { error: RULE.file }),
  storeType: z.enum(STORE_TYPES, { error: RULE.storeType }),
  redisNodes: z.array(z.object({ host: z.string(), port: z.int() }), { error: RULE.redisNodes }).min(1, { error: RULE.redisNodes }),
  redisKeyPrefix: z.string({ error: RULE.redisKeyPrefix }).refine(isValidKeyPrefix, { error: RULE.redisKeyPrefix }),
  redisOrdering: z.enum(REDIS_ORDERINGS, { error: RULE.redisOrdering }),
  text: z.string({ error: RULE.text }),
};

// ---------------------------------------------------------------------------------------------
// Text (environment variables, flags) to the value a schema checks. Text that does not fit stays
// text, so that the schema refuses it with its rule.

export const fromText = {
  /** Digits become a number. */
  integer: (text: string): unknown => (/^\s*\d+\s*$/.test(text) ? Number(text) : text),
  /** true/false, 1/0, yes/no, on/off, in any case. */
  boolean: (text: string): unknown => {
    const word = text.trim().toLowerCase();
    return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : text;
  },
  /** A word from a list: trimmed, any case. */
  word: (text: string): unknown => text.trim().toLowerCase(),
  trimmed: (text: string): unknown => text.trim(),
  asIs: (text: string): unknown => text,
  /** Several tokens or origins: comma-separated. */
  list: (text: string): unknown =>
    text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  /** A comma-separated node list, checked with the store's own parser. */
  redisNodes: (text: string, key: string): RedisNode[] => {
    try {
      const nodes = parseNodes(text);
      if (nodes.length > 0) return nodes;
    } catch (error) {
      if (!(error instanceof RedisConfigError)) throw error;
    }
    throw invalid(key, RULE.redisNodes, text);
  },
};

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);
