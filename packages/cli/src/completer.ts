import { COMMAND_NAMES, isCommandName } from '@nemesisdb/protocol';
import { bodySkeleton } from './params.js';

/** The REPL's own words, completed like commands. */
export const REPL_WORDS = ['help', 'tokens', 'clear', 'exit', 'quit'] as const;

/**
 * Tab completion for node:readline, which takes `[candidates, the text they complete]` and
 * inserts what a single candidate has beyond that text (or lists several and inserts their
 * common prefix):
 * - `SH_N` → `SH_NEW {"expiry":{…}}`: a unique name comes with a body skeleton naming every
 *   parameter (from the protocol's schema), ready to edit;
 * - `SH_` → every SH command;
 * - `SH_NEW ` (a name and a space, nothing more) → its skeleton; `SH_INFO` without the space lists
 *   SH_INFO and SH_INFO_ALL;
 * - `help SH_N` → `help SH_NEW`.
 * Names are matched in any case, as the REPL accepts them.
 */
export function complete(line: string): [string[], string] {
  const help = /^(help\s+)(\S*)$/i.exec(line);
  if (help !== null) {
    const prefix = help[2]!.toUpperCase();
    return [COMMAND_NAMES.filter((name) => name.startsWith(prefix)).map((name) => `${help[1]}${name}`), line];
  }
  const typed = /^(\S+)(\s*)$/.exec(line);
  if (typed === null) return [[], line];
  const word = typed[1]!;
  const upper = word.toUpperCase();
  if (typed[2] !== '') return [isCommandName(upper) ? [`${upper} ${bodySkeleton(upper)}`] : [], line];
  const names = COMMAND_NAMES.filter((name) => name.startsWith(upper));
  const words = REPL_WORDS.filter((w) => w.startsWith(word.toLowerCase()));
  if (names.length === 1 && words.length === 0) return [[`${names[0]} ${bodySkeleton(names[0]!)}`], line];
  return [[...names, ...words], line];
}
