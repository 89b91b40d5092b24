// The docs of the settings are derived from the descriptors: the README's tables must be exactly
// what the descriptors give, `--help` must name every flag and variable, and every rule sentence
// must state the bounds its schema applies.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../args.js';
import { COMMAND_LINE_ONLY, SETTINGS, flagName, type Setting } from './descriptors.js';
import { commandLineTable, settingsTable } from './reference.js';

const README = new URL('../../README.md', import.meta.url);
const TABLES = { settings: settingsTable, 'command-line': commandLineTable };

/** The README's lines between `<!-- NAME table: ... -->` and `<!-- end of NAME table -->`. */
function section(text: string, name: string): { body: string; replace: (body: string) => string } | undefined {
  const match = new RegExp(`(<!-- ${name} table[^>]*-->\\n)([\\s\\S]*?)(<!-- end of ${name} table -->)`).exec(text);
  if (match === null) return undefined;
  const [whole, start, body, end] = match;
  return { body: body!.replace(/\n$/, ''), replace: (next) => text.replace(whole, `${start}${next}\n${end}`) };
}

const settings = Object.values(SETTINGS) as Setting<unknown>[];

function helpText(): string {
  const result = parseArgs(['--help']);
  if (result.kind !== 'exit') throw new Error(JSON.stringify(result));
  return result.output;
}

describe('the README', () => {
  // UPDATE_README=1 npx vitest run src/settings/reference.test.ts rewrites the tables from the descriptors.
  if (process.env.UPDATE_README === '1') {
    let text = readFileSync(README, 'utf8');
    for (const [name, table] of Object.entries(TABLES)) {
      text = section(text, name)?.replace(table()) ?? text;
    }
    writeFileSync(README, text);
  }

  it.each(Object.entries(TABLES))('has the %s table the descriptors give (UPDATE_README=1 rewrites it)', (name, table) => {
    expect(section(readFileSync(README, 'utf8'), name)?.body).toBe(table());
  });
});

describe('--help', () => {
  it('shows every flag, with its --no- form for switches, and every environment variable', () => {
    const help = helpText();
    for (const setting of settings) {
      if (setting.flag !== undefined) {
        const name = flagName(setting.flag);
        expect(help).toContain(setting.switch === 'off' ? `--no-${name.slice(2)}` : setting.flag);
        if (setting.switch === 'on-off') expect(help).toContain(`--no-${name.slice(2)}`);
      }
      if (setting.env !== undefined) expect(help).toContain(setting.env);
    }
    for (const { flag } of Object.values(COMMAND_LINE_ONLY)) expect(help).toContain(flag);
    expect(help).toContain('NEMESISDB_REDIS_USERNAME');
    expect(help).toContain('NEMESISDB_REDIS_PASSWORD');
  });

  it('gives the default of every setting that has a flag', () => {
    const help = helpText().replace(/\s+/g, ' ');
    for (const setting of settings)
      if (setting.flag !== undefined) expect(help).toContain(`(default: ${setting.defaultText.replace(/`/g, '')})`);
  });
});

describe('rule sentences', () => {
  // The integer settings' rules are computed from their bounds: what a rule says is what its schema does.
  const integers = Object.entries(SETTINGS).filter(
    ([, setting]) => setting.schema.safeParse(1_048_576).success || setting.schema.safeParse(0).success,
  );

  it.each(
    integers
      .map(([id, setting]) => [id, setting] as const)
      .filter(([, setting]) => typeof setting.default === 'number' || setting.default === null),
  )('%s accepts exactly the range its rule states', (_id, setting) => {
    const rule = setting.schema.safeParse('x').error?.issues[0]?.message ?? '';
    const range = /from (\d+) to (\d+)/.exec(rule);
    const least = /at least (\d+)/.exec(rule) ?? (/non-negative/.test(rule) ? ['', '0'] : null);
    expect(range ?? least).not.toBeNull();
    const min = Number((range ?? least)![1]);
    expect(setting.schema.safeParse(min).success).toBe(true);
    expect(setting.schema.safeParse(min - 1).success).toBe(false);
    if (range !== null) {
      const max = Number(range[2]);
      expect(setting.schema.safeParse(max).success).toBe(true);
      expect(setting.schema.safeParse(max + 1).success).toBe(false);
    }
  });
});
