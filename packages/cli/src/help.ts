import { stripVTControlCharacters } from 'node:util';
import { COMMAND_NAMES, STATUS_MEANINGS, commandFamily, isCommandName, statusName, type CommandName } from '@nemesisdb/protocol';
import { COMMAND_DOCS, type CommandDoc } from './command-doc.js';
import type { Colors } from './colors.js';
import { suggestCommands } from './input.js';
import { bodySkeleton, parametersOf, type Parameter } from './params.js';

/*
 * `help` and `help SH_NEW`: the parameters come from the request schemas of @nemesisdb/protocol,
 * their meanings, the statuses and the example from the command's page in docs/commands/ (bundled
 * at build time) — nothing here is written twice.
 */

/** Markdown inline text for a terminal: links become their text, `code` is coloured. */
export function inline(text: string, c: Colors): string {
  return text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\*\*([^*]+)\*\*/g, (_, bold: string) => c.bold(bold))
    .replace(/\*([^*\s][^*]*)\*/g, '$1')
    .replace(/`([^`]+)`/g, (_, code: string) => c.cyan(code))
    .replace(/\s*\n\s*/g, ' ');
}

/** Wraps `text` (already inline-rendered) at `width` columns, each line after the first indented. */
function wrap(text: string, width: number, indent: string): string {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  // Colour codes take no columns: measure without them.
  const visible = (s: string) => stripVTControlCharacters(s).length;
  for (const word of words) {
    if (line !== '' && visible(line) + 1 + visible(word) > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines.join(`\n${indent}`);
}

function docOf(command: CommandName): CommandDoc | undefined {
  return COMMAND_DOCS[command];
}

/** The list of every command, by family, with what each does; and the CLI's own commands. */
export function helpIndex(c: Colors): string {
  const families: [string, string][] = [
    ['SV', 'Server'],
    ['SH', 'Sessions'],
    ['KV', 'Keys'],
  ];
  const out: string[] = [];
  for (const [family, title] of families) {
    out.push(c.bold(title));
    for (const name of COMMAND_NAMES.filter((n) => commandFamily(n) === family)) {
      out.push(`  ${c.cyan(name.padEnd(14))}${inline(docOf(name)?.summary ?? '', c)}`);
    }
  }
  out.push(
    c.bold('Typing commands'),
    `  ${c.cyan('SH_NEW {"expiry":{"duration":60}}')}  a name and a JSON body (Tab completes names and fills in the parameters)`,
    `  ${c.cyan('SH_INFO_ALL')}                     a bare name sends an empty body`,
    `  ${c.cyan('{"SH_NEW":{}}')}                   a whole request, sent as typed`,
    `  ${c.cyan('$tkn')}, ${c.cyan('$1')}, ${c.cyan('$2')}…                  the last token the server returned; every token by number`,
    '  An unclosed { or [ continues on the next line.',
    c.bold('The CLI'),
    `  ${c.cyan('help <COMMAND>')}   parameters, statuses and an example      ${c.cyan('tokens')}  the tokens so far`,
    `  ${c.cyan('exit')}, ${c.cyan('quit')}, Ctrl-D   leave                                   Ctrl-C  drop the line being typed`,
  );
  return out.join('\n');
}

function parameterLines(parameters: readonly Parameter[], doc: CommandDoc | undefined, c: Colors, prefix = ''): string[] {
  const lines: string[] = [];
  for (const p of parameters) {
    const path = `${prefix}${p.name}`;
    const row = doc?.parameters.find((r) => r.field.replace(/`/g, '') === path);
    lines.push(parameterLine(path, row?.type ?? '', p.required, row?.meaning ?? '', c));
    if (p.members !== undefined) lines.push(...parameterLines(p.members, doc, c, `${path}.`));
  }
  return lines;
}

function parameterLine(path: string, type: string, required: boolean, meaning: string, c: Colors): string {
  const need = required ? c.yellow('required') : c.dim('optional');
  const head = `  ${c.cyan(path.padEnd(22))} ${c.dim(type.padEnd(8))} ${need}`;
  return meaning === '' ? head : `${head}  ${wrap(inline(meaning, c), 60, ' '.repeat(44))}`;
}

/** Rows of the docs' table that the schema leaves unchecked (SH_NEW's `name`, `shared`), so that help shows them too. */
function documentedOnly(parameters: readonly Parameter[], doc: CommandDoc | undefined, c: Colors): string[] {
  const known = new Set<string>();
  const collect = (list: readonly Parameter[], prefix: string) => {
    for (const p of list) {
      known.add(`${prefix}${p.name}`);
      if (p.members !== undefined) collect(p.members, `${prefix}${p.name}.`);
    }
  };
  collect(parameters, '');
  return (doc?.parameters ?? [])
    .filter((row) => !known.has(row.field.replace(/`/g, '')))
    .map((row) => parameterLine(row.field.replace(/`/g, ''), row.type, /^yes/.test(row.required), row.meaning, c));
}

/** `help SH_NEW`: what it does, its parameters, its statuses, an example. */
export function helpFor(name: string, c: Colors): string {
  const upper = name.toUpperCase();
  if (!isCommandName(upper)) {
    const near = suggestCommands(upper);
    return `${c.red(`no command ${name}`)}${near.length > 0 ? ` — did you mean ${near.join(', ')}?` : ''} (\`help\` lists them all)`;
  }
  const doc = docOf(upper);
  const out: string[] = [`${c.bold(upper)} — ${inline(doc?.summary ?? '', c)}`];
  if (doc?.description) out.push('', wrap(inline(doc.description, c), 96, ''));
  out.push('', c.bold('Usage'), `  ${upper} ${bodySkeleton(upper)}`);
  const parameters = parametersOf(upper);
  out.push('', c.bold('Parameters'));
  const lines = [...parameterLines(parameters, doc, c), ...documentedOnly(parameters, doc, c)];
  out.push(...(lines.length === 0 ? ['  none'] : lines));
  if (doc?.requestNotes) out.push(`  ${wrap(inline(doc.requestNotes, c), 94, '  ')}`);
  if (doc !== undefined && doc.statuses.length > 0) {
    out.push('', c.bold('Statuses'));
    for (const { st, name: statusTitle, when } of doc.statuses) {
      const label = `${st} ${statusName(st) ?? statusTitle}`.padEnd(22);
      out.push(`  ${st === 1 || st === 121 || st === 141 ? c.green(label) : c.red(label)}${wrap(inline(when, c), 74, ' '.repeat(24))}`);
    }
  }
  if (doc?.example !== undefined) {
    out.push('', `${c.bold('Example')} ${c.dim(`(${inline(doc.example.title, c)})`)}`, `  ${doc.example.request}`);
    if (doc.example.response !== undefined) out.push(`  ${c.dim('→')} ${doc.example.response}`);
    out.push(c.dim('  ("$tkn:uint", "$_" in a reply stand for a value the example does not fix)'));
  }
  if (doc !== undefined) out.push('', c.dim(`More: ${doc.page}`));
  return out.join('\n');
}

/** One status's meaning, for error lines. */
export function statusMeaning(st: number): string | undefined {
  const name = statusName(st);
  return name === undefined ? undefined : STATUS_MEANINGS[name];
}
