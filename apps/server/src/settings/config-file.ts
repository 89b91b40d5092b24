// Upstream's config file, version 5 (§12.2), read into a layer. Its schema is built from the
// descriptors' `file` members: required keys are required as upstream requires them (a file is a
// complete configuration, and a misspelt key must not silently fall back to a default), except
// `core`, whose absence crashes upstream (§14 D14). Unknown keys are ignored, so one file can serve
// both servers. `version` comes first so that a file of another version reports that, not its
// first odd key.
import { JsonDecodeError, decode } from '@nemesisdb/protocol';
import { RedisConfigError, redisStoreOptions } from '@nemesisdb/store-redis';
import { z } from 'zod';
import { CONFIG_VERSION, FILE_OBJECTS, SETTINGS, type SettingId } from './descriptors.js';
import { ConfigError, invalid, show } from './errors.js';
import { wholeLogin, type Layer, type Sourced } from './layers.js';
import { STORE_TYPES, quotedChoice, schemas, type StoreType } from './rules.js';

/** The file system call the reader makes (tests replace it). */
export type ReadFile = (path: string) => string;

/**
 * The `store` member is checked whole by the store's own rules (redisStoreOptions), which name the
 * wrong member (`store.nodes[1] must be …`): `{"type":"memory"}` or `{"type":"redis","nodes":[…],…}`.
 */
const STORE = 'store';

interface Branch {
  readonly children: Map<string, Branch | z.ZodType>;
}

/** The file's schema, from the descriptors' members, in the order the table lists them. */
function buildFileSchema(): z.ZodType<Record<string, unknown>> {
  const root: Branch = { children: new Map() };
  for (const setting of Object.values(SETTINGS)) {
    if (!('file' in setting) || setting.file.split('.')[0] === STORE) continue;
    const parts = setting.file.split('.');
    let branch = root;
    for (const part of parts.slice(0, -1)) {
      let child = branch.children.get(part);
      if (child === undefined) branch.children.set(part, (child = { children: new Map() }));
      branch = child as Branch;
    }
    const schema: z.ZodType = 'fileSchema' in setting ? setting.fileSchema : setting.schema;
    branch.children.set(parts.at(-1)!, 'fileRequired' in setting && setting.fileRequired ? schema : schema.optional());
  }
  const shapeOf = (branch: Branch, path: string): Record<string, z.ZodType> => {
    const shape: Record<string, z.ZodType> = {};
    for (const [name, child] of branch.children) {
      const at = path === '' ? name : `${path}.${name}`;
      shape[name] = child instanceof z.ZodType ? child : objectOf(child, at);
    }
    return shape;
  };
  const objectOf = (branch: Branch, path: string): z.ZodType => {
    const shape = shapeOf(branch, path);
    const rules = FILE_OBJECTS[path] ?? {};
    const object = z.object(shape, rules.rule === undefined ? undefined : { error: rules.rule });
    return rules.required === true ? object : object.optional();
  };
  return z.object({
    version: z.literal(CONFIG_VERSION, { error: `must be ${CONFIG_VERSION} (the config version this server reads)` }),
    ...shapeOf(root, ''),
    [STORE]: z
      .object({ type: schemas.storeType }, { error: `must be an object with "type" (${quotedChoice(STORE_TYPES)})` })
      .loose()
      .optional(),
  });
}

const fileSchema = buildFileSchema();

/** The value at a dotted member path, or undefined. */
function at(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const part of path) value = (value as Record<PropertyKey, unknown> | undefined)?.[part];
  return value;
}

export function readConfigFile(file: string, readFile: ReadFile): Layer {
  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? String(error));
    throw new ConfigError('--config', `cannot read config file ${file}: ${why}`);
  }
  let data: unknown;
  try {
    // The protocol's reader accepts comments (upstream's shipped file is .jsonc) and keeps
    // `1024.0` apart from `1024`, so a uint setting written as a double is refused like upstream.
    data = decode(withoutTrailingComments(text.replace(/^\uFEFF/, '')), { exactNumbers: true });
  } catch (error) {
    if (!(error instanceof JsonDecodeError)) throw error;
    throw new ConfigError('--config', `config file ${file} is not valid JSON: ${error.message.replace(/\s*\n\s*/g, ' ')}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError('--config', `config file ${file} must hold a JSON object (got ${show(data)})`);
  }
  const result = fileSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path ?? [];
    const key = path.map(String).join('.');
    const value = at(data, path);
    const rule = issue?.message ?? 'is invalid';
    if (value === undefined) throw new ConfigError(key, `${key} is missing from the config file (it ${rule})`);
    throw invalid(key, rule, value);
  }
  const layer: Record<string, Sourced<unknown>> = {};
  for (const [id, setting] of Object.entries(SETTINGS)) {
    if (!('file' in setting) || setting.file.split('.')[0] === STORE) continue;
    const value = at(result.data, setting.file.split('.'));
    if (value !== undefined) layer[id] = { value, key: setting.file };
  }
  const store = result.data[STORE] as ({ type: StoreType } & Record<string, unknown>) | undefined;
  return { ...(layer as Layer), ...(store === undefined ? {} : storeFromFile(store)) };
}

/** The file's `store` member as settings; a redis store is checked whole by the store's rules. */
function storeFromFile(store: { type: StoreType } & Record<string, unknown>): Layer {
  const sourced = (id: SettingId, value: unknown): Layer =>
    ({ [id]: { value, key: (SETTINGS[id] as { file?: string }).file ?? id } }) as Layer;
  if (store.type === 'memory') return sourced('store', 'memory');
  try {
    const settings = redisStoreOptions(store, STORE);
    const layer: Layer = {
      ...sourced('store', 'redis'),
      ...sourced('redisNodes', settings.nodes),
      ...(settings.keyPrefix === undefined ? {} : sourced('redisKeyPrefix', settings.keyPrefix)),
      ...(settings.ordering === undefined ? {} : sourced('redisOrdering', settings.ordering)),
      ...(settings.password === undefined ? {} : sourced('redisPassword', settings.password)),
      ...(settings.username === undefined ? {} : sourced('redisUsername', settings.username)),
    };
    return wholeLogin(layer, SETTINGS.redisPassword.file);
  } catch (error) {
    if (!(error instanceof RedisConfigError)) throw error;
    throw new ConfigError(error.path, error.message);
  }
}

/**
 * The text without comments after the root value. The protocol's reader takes comments before and
 * inside the root value only (that is what requests need), but a hand-edited config file may well
 * end with one. Strings are skipped so that `"http://x"` is not taken for a comment.
 */
export function withoutTrailingComments(text: string): string {
  let end = 0; // just past the last character that is neither whitespace nor inside a comment
  for (let i = 0; i < text.length;) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      end = ++i;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return text; // unterminated: let the reader report it
      i = close + 2;
    } else {
      if (!/\s/.test(c ?? '')) end = i + 1;
      i++;
    }
  }
  return text.slice(0, end);
}
