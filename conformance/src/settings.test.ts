import { describe, expect, it } from 'vitest';
import { extractCases } from './extract.js';
import { PROFILE_DEFAULTS, caseNeeds, describeSettings, requestSizeBound, resolveSettings, settingsSkip } from './settings.js';
import type { Case, SendStep } from './types.js';

const page = [
  '# Page',
  '',
  '## Exactly maxPayload',
  '',
  '```json request pad=max',
  '{"SV_INFO":{}}',
  '```',
  '',
  '## Save',
  '',
  '```json request',
  '{"KV_SAVE":{"name":"x"}}',
  '```',
  '',
  '## Save refused',
  '',
  '<!-- tags: persistence-off -->',
  '',
  '```json request',
  '{"KV_SAVE":{"name":"x"}}',
  '```',
  '',
  '## Plain',
  '',
  '```json request',
  '{"KV_SET":{"keys":{"a":"0123456789012345678901234567890123456789"}}}',
  '```',
  '',
].join('\n');
const [padded, save, saveOff, plain] = extractCases(page, 'p.md') as [Case, Case, Case, Case];
const facts = (persistEnabled: boolean | null) => ({ persistEnabled });

describe('profile defaults', () => {
  it("are the shipped configs: ours (1 MiB, persistence off) and upstream's v0.7.4 default.jsonc (1024, off)", () => {
    expect(PROFILE_DEFAULTS).toEqual({
      default: { maxPayload: 1048576, persistence: false },
      'v0.7.4': { maxPayload: 1024, persistence: false },
    });
  });
});

describe('resolveSettings', () => {
  it('takes an option first, then what SV_INFO reports, then the profile default', () => {
    expect(resolveSettings('v0.7.4', {}, facts(true)).settings).toEqual({
      profile: 'v0.7.4',
      maxPayload: { value: 1024, source: 'profile' },
      persistence: { value: true, source: 'server' },
    });
    expect(resolveSettings('v0.7.4', {}, facts(null)).settings.persistence).toEqual({ value: false, source: 'profile' });
    const given = resolveSettings('default', { maxPayload: 8192, persistence: 'on' }, facts(null));
    expect(given.settings.maxPayload).toEqual({ value: 8192, source: 'option' });
    expect(given.settings.persistence).toEqual({ value: true, source: 'option' });
    expect(given.warnings).toEqual([]);
  });

  it('keeps "unknown" unknown, and warns when an option contradicts SV_INFO', () => {
    const unknown = resolveSettings('default', { maxPayload: 'unknown', persistence: 'unknown' }, facts(true));
    expect(unknown.settings.maxPayload.value).toBeNull();
    expect(unknown.settings.persistence.value).toBeNull();
    expect(resolveSettings('default', { persistence: 'off' }, facts(true)).warnings).toEqual([
      '--persistence off, but SV_INFO reports persistEnabled:true',
    ]);
  });

  it('says where each setting came from', () => {
    expect(describeSettings(resolveSettings('v0.7.4', {}, facts(false)).settings)).toBe(
      'maxPayload 1024 (default of profile v0.7.4), persistence off (SV_INFO)',
    );
    expect(describeSettings(resolveSettings('default', { maxPayload: 'unknown', persistence: 'on' }, facts(null)).settings)).toBe(
      'maxPayload unknown (--max-payload unknown), persistence on (--persistence)',
    );
  });
});

describe('what a case depends on', () => {
  it('is tagged by the extractor: max-payload for padded requests, persistence-on for SAVE', () => {
    expect(padded.tags).toContain('max-payload');
    expect(save.tags).toContain('persistence-on');
    expect(saveOff.tags).toContain('persistence-off');
    expect(saveOff.tags).not.toContain('persistence-on');
    expect(caseNeeds(plain)).toEqual({ maxPayload: false, persistence: null });
    expect(caseNeeds(padded)).toEqual({ maxPayload: true, persistence: null });
    expect(caseNeeds(saveOff)).toEqual({ maxPayload: false, persistence: false });
  });

  it('skips a case whose setting is unknown, with the option to pass', () => {
    const unknown = resolveSettings('default', { maxPayload: 'unknown', persistence: 'unknown' }, facts(true)).settings;
    expect(settingsSkip(padded, unknown)).toBe("depends on the server's maxPayload, which is unknown (pass --max-payload <bytes>)");
    expect(settingsSkip(save, unknown)).toBe(
      'depends on whether the server has persistence enabled, which is unknown (pass --persistence on|off)',
    );
    expect(settingsSkip(plain, unknown)).toBeNull();
  });

  it('skips a case the settings rule out, naming the source', () => {
    const off = resolveSettings('default', {}, facts(false)).settings;
    expect(settingsSkip(save, off)).toBe('needs a persistence-enabled server (SV_INFO says persistEnabled:false)');
    expect(settingsSkip(saveOff, off)).toBeNull();
    const on = resolveSettings('v0.7.4', { persistence: 'on' }, facts(null)).settings;
    expect(settingsSkip(saveOff, on)).toBe('needs a server with persistence disabled (--persistence on)');
    expect(settingsSkip(save, resolveSettings('v0.7.4', {}, facts(null)).settings)).toBe(
      'needs a persistence-enabled server (default of profile v0.7.4: persistence off)',
    );
  });

  it('skips a case whose requests cannot fit the maxPayload', () => {
    const request = plain.steps[0] as SendStep;
    const bound = requestSizeBound(request);
    // The namespaced key adds the runner's prefix to the 71 bytes written.
    expect(bound).toBeGreaterThan(Buffer.byteLength(request.text));
    const tight = resolveSettings('v0.7.4', { maxPayload: bound - 1 }, facts(true)).settings;
    expect(settingsSkip(plain, tight)).toBe(`sends a request of up to ${bound} bytes, more than the server's maxPayload (${bound - 1})`);
    expect(settingsSkip(plain, resolveSettings('v0.7.4', { maxPayload: bound }, facts(true)).settings)).toBeNull();
    const padBound = requestSizeBound(padded.steps[0] as SendStep);
    expect(settingsSkip(padded, resolveSettings('v0.7.4', { maxPayload: padBound - 1 }, facts(true)).settings)).toBe(
      `pads a request of up to ${padBound} bytes to maxPayload, which is only ${padBound - 1}`,
    );
    expect(settingsSkip(padded, resolveSettings('v0.7.4', { maxPayload: 64 }, facts(true)).settings)).toBeNull();
  });
});
