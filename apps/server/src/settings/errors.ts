// How a bad setting is reported: one line naming the key as its source spells it, the rule it
// breaks and the value it got.
import { JsonDouble } from '@nemesisdb/protocol';
import type { z } from 'zod';

/** A setting that cannot be used. `message` is the one line printed to stderr. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    /** Where the bad value came from, spelt as the user wrote it: `maxPayload`, `--port`, `NEMESISDB_PORT`. */
    readonly key: string,
    /** What is wrong, without the `config error: ` prefix. */
    readonly problem: string,
  ) {
    super(`config error: ${problem}`);
  }
}

/** A value for a message: short, on one line. */
export function show(value: unknown): string {
  let text: string;
  if (value instanceof JsonDouble) text = value.toString();
  else if (typeof value === 'bigint') text = value.toString();
  else if (Array.isArray(value)) text = 'an array';
  else if (value !== null && typeof value === 'object') text = 'an object';
  else text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function invalid(key: string, rule: string, value: unknown): ConfigError {
  return new ConfigError(key, `${key} ${rule} (got ${show(value)})`);
}

/** Checks one value against its rule; `key` names it as its source spells it. */
export function check<T>(schema: z.ZodType<T>, key: string, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw invalid(key, result.error.issues[0]?.message ?? 'is invalid', value);
}
