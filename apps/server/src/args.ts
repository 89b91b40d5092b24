// The command line, read with commander. This module only reads the words; config.ts checks the
// values (so that flags, environment variables and the config file share one set of rules).
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { BUILT_IN_FLAGS, COMMAND_LINE_ONLY, SETTINGS, flagName, type CliFlags, type Setting } from './settings/descriptors.js';
import { environmentHelp, plain } from './settings/reference.js';

export type { CliFlags } from './settings/descriptors.js';

/** This app's version (`--version`). src/ and dist/ both sit one level below package.json. */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

/** What reading the command line gave: flags to run with, or text to print and an exit code. */
export type ArgsResult =
  | { kind: 'flags'; flags: CliFlags }
  /** `--help` or `--version`: print `output` to stdout and exit with `code` (0). */
  | { kind: 'exit'; code: number; output: string }
  /** A word commander does not accept (unknown option, missing value, extra argument). */
  | { kind: 'error'; message: string };

const HELP_AFTER = `
Precedence, lowest first: embedded defaults, the --config file, environment
variables, these flags.

Environment variables (an empty one counts as unset):
${environmentHelp()}

Upstream spellings work too: --config=FILE --loadName=NAME --loadPath=DIR.
SIGINT/SIGTERM stop the server gracefully (a second signal exits at once).
Logs are JSON lines on stdout (human-readable on a terminal).
`;

/** The commander options of one setting: help text with its default, `--no-` forms for switches. */
function addSetting(command: Command, setting: Setting<unknown>): void {
  if (setting.flag === undefined) return;
  const help = plain(setting.help);
  const name = flagName(setting.flag);
  if (setting.switch === 'off') {
    command.option(`--no-${name.slice(2)}`, `${help} (default: ${plain(setting.defaultText)})`);
    return;
  }
  command.option(setting.flag, `${help} (default: ${plain(setting.defaultText)})`);
  if (setting.switch === 'on-off') command.option(`--no-${name.slice(2)}`, plain(setting.offHelp ?? `turn ${name} off`));
}

/** The program, built afresh per call because commander keeps parsed values on it. */
function program(): Command {
  const command = new Command('nemesisdb')
    .description('NemesisDB server: an in-memory JSON database with sessions over WebSocket (wire compatible with C++ NemesisDB v0.7.4).')
    // Printed as is (commander wraps only the generated part).
    .addHelpText('after', HELP_AFTER)
    .version(VERSION, BUILT_IN_FLAGS[0].flag, BUILT_IN_FLAGS[0].help)
    .helpOption(BUILT_IN_FLAGS[1].flag, BUILT_IN_FLAGS[1].help)
    .allowExcessArguments(false)
    .showSuggestionAfterError(true)
    .exitOverride();
  // No commander defaults: an absent flag must stay undefined so lower layers can show through.
  for (const setting of Object.values(SETTINGS) as Setting<unknown>[]) addSetting(command, setting);
  // Upstream's own camelCase spellings (--loadName, --loadPath) are kept exactly, so its start scripts keep working.
  for (const { flag, defaultText, help } of Object.values(COMMAND_LINE_ONLY))
    command.option(flag, `${plain(help)} (default: ${defaultText})`);
  return command;
}

/** Reads the command line (without the `node` and script words, i.e. `process.argv.slice(2)`). */
export function parseArgs(argv: readonly string[]): ArgsResult {
  let output = '';
  let errors = '';
  const command = program().configureOutput({
    writeOut: (text) => (output += text),
    writeErr: (text) => (errors += text),
  });
  try {
    command.parse([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
      // Upstream exits 1 after --help; asking for help is not a failure, so we exit 0.
      return { kind: 'exit', code: 0, output };
    }
    // Commander's text is "error: unknown option '--prot'\n(Did you mean --port?)": make it one line.
    const text = (errors || error.message)
      .replace(/^error:\s*/, '')
      .replace(/\s*\n\s*/g, ' ')
      .trim();
    return { kind: 'error', message: `${text} (see --help)` };
  }
  const options = command.opts<CliFlags>();
  const flags: CliFlags = {};
  // Copy only what was given; commander leaves the rest undefined.
  for (const key of Object.keys(options) as (keyof CliFlags)[]) {
    // Negatable flags (`--no-console`) have a default in commander: only what was typed counts.
    if (options[key] !== undefined && command.getOptionValueSource(key) === 'cli') (flags as Record<string, unknown>)[key] = options[key];
  }
  return { kind: 'flags', flags };
}
