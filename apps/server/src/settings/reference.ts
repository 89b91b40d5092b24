// The settings written out for people: the environment section of `--help` and the README's
// tables, both from the descriptors (settings.test.ts checks the README against them).
import { BUILT_IN_FLAGS, COMMAND_LINE_ONLY, FILE_OBJECTS, SETTINGS, flagName, type Setting } from './descriptors.js';

/** Markdown to plain text, for `--help`. */
export function plain(text: string): string {
  return text.replace(/[`*]/g, '');
}

/** The flags a setting takes, as the README writes them. */
function flagsOf(setting: Setting<unknown>): string {
  if (setting.flag === undefined) return '';
  const name = flagName(setting.flag);
  if (setting.switch === 'on-off') return `\`${name}\` / \`--no-${name.slice(2)}\``;
  if (setting.switch === 'off') return `\`--no-${name.slice(2)}\``;
  return `\`${setting.flag}\``;
}

/** The config file member, marked when every config file must have it. */
function memberOf(setting: Setting<unknown>): string {
  if (setting.file === undefined) return '';
  const parents = setting.file
    .split('.')
    .slice(0, -1)
    .map((_, i, parts) => parts.slice(0, i + 1).join('.'));
  const required = setting.fileRequired === true && parents.every((parent) => FILE_OBJECTS[parent]?.required === true);
  return `\`${setting.file}\`${required ? ' (required)' : ''}`;
}

const settings = Object.values(SETTINGS) as Setting<unknown>[];
const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The README's table of settings: one row per setting, every place it is read. */
export function settingsTable(): string {
  const rows = settings.map((setting) =>
    [flagsOf(setting), setting.env === undefined ? '' : `\`${setting.env}\``, memberOf(setting), setting.defaultText, setting.help]
      .map(cell)
      .join(' | '),
  );
  return [
    '| Flag | Environment variable | Config file member | Default | Meaning |',
    '|---|---|---|---|---|',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}

/** The README's table of flags that are not settings of a layer. */
export function commandLineTable(): string {
  const rows = [
    ...Object.values(COMMAND_LINE_ONLY).map(({ flag, defaultText, help }) => `| \`${flag}\` | ${defaultText} | ${cell(help)} |`),
    ...BUILT_IN_FLAGS.map(({ flag, help }) => `| \`${flag}\` | | ${cell(help)} |`),
  ];
  return ['| Flag | Default | Meaning |', '|---|---|---|', ...rows].join('\n');
}

/** `--help`'s list of environment variables, wrapped to 80 columns. */
export function environmentHelp(): string {
  const lines: string[] = [];
  let line = ' ';
  for (const setting of settings) {
    if (setting.env === undefined) continue;
    const word = ` ${setting.env}${setting.switch === undefined ? '' : ' (true/false)'},`;
    if (line.length + word.length > 80) {
      lines.push(line);
      line = ' ';
    }
    line += word;
  }
  lines.push(line.replace(/,$/, ''));
  return lines.join('\n');
}
