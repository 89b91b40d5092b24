// The layers a setting comes from — embedded defaults, the config file, NEMESISDB_* environment
// variables, flags — each read generically from the descriptors. A layer holds only what it sets,
// each value with the key that set it (for later messages).
import { ConfigError, check } from './errors.js';
import { SETTINGS, flagName, type CliFlags, type Setting, type SettingId, type SettingValue } from './descriptors.js';

export interface Sourced<T> {
  value: T;
  key: string;
}

export type Layer = { [K in SettingId]?: Sourced<SettingValue<K>> };

const entries = Object.entries(SETTINGS) as [SettingId, Setting<unknown>][];

export function defaults(): Required<Layer> {
  return Object.fromEntries(entries.map(([id, setting]) => [id, { value: setting.default, key: setting.file ?? id }])) as Required<Layer>;
}

/** The `NEMESISDB_*` variables. An empty variable counts as unset: `NEMESISDB_PORT= nemesisdb` is a common way to clear one. */
export function readEnv(env: Readonly<Record<string, string | undefined>>): Layer {
  const layer: Record<string, Sourced<unknown>> = {};
  for (const [id, setting] of entries) {
    if (setting.env === undefined) continue;
    const text = env[setting.env];
    if (text === undefined || text === '') continue;
    layer[id] = { value: check(setting.schema, setting.env, (setting.fromText ?? String)(text, setting.env)), key: setting.env };
  }
  return wholeLogin(layer as Layer, SETTINGS.redisPassword.env);
}

/** The flags given (see {@link CliFlags}). */
export function readFlags(flags: CliFlags): Layer {
  const layer: Record<string, Sourced<unknown>> = {};
  for (const [id, setting] of entries) {
    if (setting.flag === undefined) continue;
    const given = (flags as Record<string, string | boolean | undefined>)[id];
    if (given === undefined) continue;
    const key = flagName(setting.flag);
    // A switch is a boolean already; a value is text, checked like an environment variable.
    layer[id] = { value: typeof given === 'boolean' ? given : check(setting.schema, key, (setting.fromText ?? String)(given, key)), key };
  }
  return layer as Layer;
}

/**
 * A layer that sets the cluster's password sets its whole login: a user name from a lower layer
 * must not be paired with it. A user name without a password in the same layer is refused.
 */
export function wholeLogin(layer: Layer, passwordKey: string): Layer {
  if (layer.redisPassword !== undefined) {
    layer.redisUsername ??= { value: null, key: layer.redisPassword.key };
  } else if (layer.redisUsername !== undefined) {
    throw new ConfigError(layer.redisUsername.key, `${layer.redisUsername.key} needs ${passwordKey}`);
  }
  return layer;
}
