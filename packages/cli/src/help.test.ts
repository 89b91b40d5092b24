import { COMMAND_NAMES, statusName } from '@nemesisdb/protocol';
import { describe, expect, it } from 'vitest';
import { COMMAND_DOCS } from './command-doc.js';
import { colors } from './colors.js';
import { helpFor, helpIndex } from './help.js';
import { parametersOf } from './params.js';

const plain = colors(false);

describe('help', () => {
  it('lists every command of the protocol with its summary from the docs', () => {
    const index = helpIndex(plain);
    for (const name of COMMAND_NAMES) {
      expect(index).toMatch(new RegExp(`${name}\\s+${COMMAND_DOCS[name]!.summary.replace(/[()]/g, '.')}`));
    }
  });

  it('shows a command page for each command: parameters from the schema, statuses and an example from the docs', () => {
    for (const name of COMMAND_NAMES) {
      const text = helpFor(name, plain);
      const doc = COMMAND_DOCS[name];
      expect(doc, `docs/commands page for ${name}`).toBeDefined();
      expect(text).not.toMatch(/undefined|\[object /);
      for (const p of parametersOf(name)) expect(text, `${name} ${p.name}`).toContain(p.name);
      for (const { st } of doc!.statuses) expect(text, `${name} status ${st}`).toContain(`${st} ${statusName(st)}`);
      if (doc!.example !== undefined) expect(text).toContain(doc!.example.request);
    }
  });

  it('shows SH_NEW as documented', () => {
    const text = helpFor('sh_new', plain);
    expect(text).toContain('SH_NEW — create a session');
    expect(text).toMatch(/expiry\.duration\s+uint\s+required\s+seconds until the session expires/);
    expect(text).toMatch(/41 ValueTypeInvalid/);
    expect(text).toContain('{"SH_NEW":{}}');
  });

  it('suggests a name for a typo', () => {
    expect(helpFor('SH_GTE', plain)).toContain('did you mean SH_GET');
  });
});
