// The server settings some cases depend on — maxPayload and whether persistence is enabled — as
// inputs of a run rather than assumptions. Each setting comes from an option (--max-payload,
// --persistence), else from what the server reports (SV_INFO's persistEnabled), else from the
// profile's defaults (the shipped config of the implementation the profile judges). A setting
// given as `unknown` stays unknown, and the cases that depend on it are skipped with that reason.
import { decode, encode, type ExactJsonValue } from '@nemesisdb/protocol';
import { namespaceRequest } from './namespace.js';
import type { Profile } from './select.js';
import { MAX_PAYLOAD_TAG, PERSISTENCE_OFF_TAG, PERSISTENCE_ON_TAG } from './tags.js';
import type { Case, SendStep, ServerFacts } from './types.js';

export interface ProfileDefaults {
  /** The server's maxPayload in bytes. */
  readonly maxPayload: number;
  /** Whether persistence is enabled; used only when SV_INFO does not report `persistEnabled`. */
  readonly persistence: boolean;
}

/**
 * What each profile assumes when neither an option nor the server says otherwise: the config the
 * implementation ships with. `default`: our server's defaults (maxPayload 1 MiB, persistence off).
 * `v0.7.4`: upstream's server/configs/default.jsonc at tag v0.7.4 (`"maxPayload":1024`,
 * `"persist":{"enabled":false}`).
 */
export const PROFILE_DEFAULTS: Readonly<Record<Profile, ProfileDefaults>> = {
  default: { maxPayload: 1024 * 1024, persistence: false },
  'v0.7.4': { maxPayload: 1024, persistence: false },
};

/** How a run is told the server's settings; absent means "the server's report, else the profile's default". */
export interface SettingsInput {
  readonly maxPayload?: number | 'unknown';
  readonly persistence?: 'on' | 'off' | 'unknown';
}

export type SettingSource = 'option' | 'server' | 'profile' | 'unknown';

export interface Setting<T> {
  /** null when unknown. */
  readonly value: T | null;
  readonly source: SettingSource;
}

export interface ServerSettings {
  readonly profile: Profile;
  readonly maxPayload: Setting<number>;
  readonly persistence: Setting<boolean>;
}

export interface ResolvedSettings {
  readonly settings: ServerSettings;
  /** Options that contradict what the server reports. */
  readonly warnings: readonly string[];
}

export function resolveSettings(profile: Profile, input: SettingsInput, facts: Pick<ServerFacts, 'persistEnabled'>): ResolvedSettings {
  const defaults = PROFILE_DEFAULTS[profile];
  const warnings: string[] = [];
  const maxPayload: Setting<number> =
    input.maxPayload === 'unknown'
      ? { value: null, source: 'unknown' }
      : input.maxPayload !== undefined
        ? { value: input.maxPayload, source: 'option' }
        : { value: defaults.maxPayload, source: 'profile' };

  let persistence: Setting<boolean>;
  if (input.persistence === 'unknown') persistence = { value: null, source: 'unknown' };
  else if (input.persistence !== undefined) {
    persistence = { value: input.persistence === 'on', source: 'option' };
    if (facts.persistEnabled !== null && facts.persistEnabled !== persistence.value) {
      warnings.push(`--persistence ${input.persistence}, but SV_INFO reports persistEnabled:${facts.persistEnabled}`);
    }
  } else if (facts.persistEnabled !== null) persistence = { value: facts.persistEnabled, source: 'server' };
  else persistence = { value: defaults.persistence, source: 'profile' };

  return { settings: { profile, maxPayload, persistence }, warnings };
}

/** `maxPayload 8192 (--max-payload), persistence on (SV_INFO)` — for report headers. */
export function describeSettings(settings: ServerSettings): string {
  const payload = settings.maxPayload.value === null ? 'unknown' : String(settings.maxPayload.value);
  const persistence = settings.persistence.value === null ? 'unknown' : settings.persistence.value ? 'on' : 'off';
  return `maxPayload ${payload} (${sourceText(settings, settings.maxPayload.source, '--max-payload')}), persistence ${persistence} (${sourceText(settings, settings.persistence.source, '--persistence')})`;
}

function sourceText(settings: ServerSettings, source: SettingSource, option: string): string {
  switch (source) {
    case 'option':
      return option;
    case 'server':
      return 'SV_INFO';
    case 'profile':
      return `default of profile ${settings.profile}`;
    case 'unknown':
      return `${option} unknown`;
  }
}

/** The settings a case depends on. */
export function caseNeeds(c: Case): { maxPayload: boolean; persistence: boolean | null } {
  const padded = c.steps.some((s) => s.kind === 'send' && s.pad !== undefined);
  const persistence = c.tags.includes(PERSISTENCE_OFF_TAG)
    ? false
    : c.tags.includes(PERSISTENCE_ON_TAG) || c.tags.includes('KV_SAVE') || c.tags.includes('SH_SAVE')
      ? true
      : null;
  return { maxPayload: padded || c.tags.includes(MAX_PAYLOAD_TAG), persistence };
}

/** Why a case cannot be judged with these settings, or null when it can run. */
export function settingsSkip(c: Case, settings: ServerSettings): string | null {
  const needs = caseNeeds(c);
  const maxPayload = settings.maxPayload.value;
  if (needs.maxPayload && maxPayload === null) {
    return "depends on the server's maxPayload, which is unknown (pass --max-payload <bytes>)";
  }
  if (maxPayload !== null) {
    const sends = c.steps.filter((s): s is SendStep => s.kind === 'send');
    const largest = Math.max(0, ...sends.filter((s) => s.pad === undefined).map(requestSizeBound));
    if (largest > maxPayload) return `sends a request of up to ${largest} bytes, more than the server's maxPayload (${maxPayload})`;
    // A request padded to maxPayload must fit in it before the padding.
    const padded = Math.max(0, ...sends.filter((s) => s.pad !== undefined).map(requestSizeBound));
    if (padded > maxPayload) return `pads a request of up to ${padded} bytes to maxPayload, which is only ${maxPayload}`;
  }
  if (needs.persistence !== null) {
    const enabled = settings.persistence.value;
    if (enabled === null) return 'depends on whether the server has persistence enabled, which is unknown (pass --persistence on|off)';
    if (enabled !== needs.persistence) {
      const said = persistenceSaid(settings);
      return needs.persistence ? `needs a persistence-enabled server (${said})` : `needs a server with persistence disabled (${said})`;
    }
  }
  return null;
}

function persistenceSaid(settings: ServerSettings): string {
  const on = settings.persistence.value === true;
  switch (settings.persistence.source) {
    case 'server':
      return `SV_INFO says persistEnabled:${on}`;
    case 'option':
      return `--persistence ${on ? 'on' : 'off'}`;
    default:
      return `default of profile ${settings.profile}: persistence ${on ? 'on' : 'off'}`;
  }
}

// Longest KV prefix the runner gives (`cf.<6 hex>.<index>.`) and the widest value a placeholder
// can stand for (a 64-bit token's 20 digits, quoted): an upper bound on the bytes sent.
const PREFIX_BOUND = 'cf.000000.00000.';
const PLACEHOLDER_BOUND = 22;

/** An upper bound on the size of a request as the runner sends it (namespaced, placeholders filled). */
export function requestSizeBound(step: SendStep): number {
  if (step.mode === 'hex') return step.text.replace(/\s/g, '').length / 2;
  const placeholders = (step.text.match(/"\$[A-Za-z_][A-Za-z0-9_]*(?::[a-z]+)?"/g) ?? []).length;
  let bytes = Buffer.byteLength(step.text);
  if (step.mode === 'json') {
    try {
      bytes = Buffer.byteLength(encode(namespaceRequest(decode(step.text, { exactNumbers: true }) as ExactJsonValue, PREFIX_BOUND)));
    } catch {
      // The extractor has parsed every json request; keep the text's size if this one is odd.
    }
  }
  return bytes + placeholders * PLACEHOLDER_BOUND;
}
