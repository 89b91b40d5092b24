// `nemesisdb check-journal DIR [--fix]` and `nemesisdb check-dataset DIR [--fix]`: the repair tools
// (like redis-check-aof and redis-check-rdb). They read files only; nothing here needs a server.
import { Command, CommanderError } from 'commander';
import { checkDataset, checkJournal, type DatasetCheck, type JournalCheck } from '@nemesisdb/engine';

export const CHECK_COMMANDS = ['check-journal', 'check-dataset'] as const;

/** Output lines and the exit code: 0 intact (or repaired), 1 damaged, 2 bad usage or unreadable. */
export interface CheckResult {
  output: string;
  code: number;
}

export function isCheckCommand(argv: readonly string[]): boolean {
  return (CHECK_COMMANDS as readonly string[]).includes(argv[0] ?? '');
}

/** Runs a check command (`argv` starts with its name). */
export async function runCheck(argv: readonly string[]): Promise<CheckResult> {
  const [name, ...rest] = argv;
  let parsed: { directory: string; fix: boolean } | null = null;
  let usage = '';
  const command = new Command(`nemesisdb ${name}`)
    .argument(
      '<dir>',
      name === 'check-journal'
        ? 'the journal directory (<persist.path>/journal)'
        : 'a dataset directory (<persist.path>/<name>) or one save in it',
    )
    .option(
      '--fix',
      name === 'check-journal'
        ? 'keep a backup, then cut the journal at its first damaged record'
        : 'move damaged saves newer than the newest intact one aside',
    )
    .exitOverride()
    .configureOutput({ writeOut: (text) => (usage += text), writeErr: (text) => (usage += text) })
    .action((directory: string, options: { fix?: boolean }) => {
      parsed = { directory, fix: options.fix === true };
    });
  try {
    command.parse(rest, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return { output: usage, code: error.exitCode === 0 ? 0 : 2 };
    throw error;
  }
  const { directory, fix } = parsed!;
  try {
    return name === 'check-journal'
      ? formatJournal(directory, await checkJournal(directory, { fix }), fix)
      : formatDataset(directory, await checkDataset(directory, { fix }), fix);
  } catch (error) {
    return { output: `cannot check ${directory}: ${(error as Error).message}\n`, code: 2 };
  }
}

function formatJournal(directory: string, check: JournalCheck, fix: boolean): CheckResult {
  const lines: string[] = [];
  if (check.checkpoint !== null) {
    for (const save of check.checkpoint.saves)
      lines.push(`${save.path}: ${save.problems.length === 0 ? `ok (${save.items ?? 0} items)` : `DAMAGED: ${save.problems.join('; ')}`}`);
  }
  for (const log of check.logs) {
    const format = log.format === 2 ? 'checksummed' : 'no checksums (older format)';
    lines.push(`${log.path}: ${log.records} records, ${format}${log.damage.length === 0 ? ', ok' : ''}`);
    for (const damage of log.damage) {
      const note = log.tornTail ? ' — a last record cut short by a crash; the server skips it by itself' : '';
      lines.push(`  damaged record ${damage.number} at byte ${damage.offset} (${damage.length} bytes): ${damage.reason}${note}`);
    }
  }
  if (check.logs.length === 0 && check.checkpoint === null) lines.push(`${directory}: no journal here`);
  for (const done of check.fixed) {
    lines.push(
      done.cutAtByte > 0 || done.recordsDropped > 0
        ? `fixed: ${done.path} ${done.cutAtByte > 0 ? `cut at byte ${done.cutAtByte}` : 'moved aside'}, ${done.recordsDropped} records dropped; backup: ${done.backup}`
        : `fixed: ${done.path}; backup: ${done.backup}`,
    );
  }
  const repaired = fix && check.fixed.length > 0;
  const checkpointDamaged = check.checkpoint?.saves.some((save) => save.problems.length > 0) ?? false;
  if (check.startable) lines.push('the server starts on this journal as it is');
  else if (repaired && !checkpointDamaged) lines.push('repaired: the server starts with every record before the damage');
  else if (checkpointDamaged) lines.push('the checkpoint is damaged: --fix cannot repair it (restore the directory from a backup)');
  else lines.push(`the server refuses to start on this journal; repair with: nemesisdb check-journal ${directory} --fix`);
  return { output: lines.join('\n') + '\n', code: check.startable || (repaired && !checkpointDamaged) ? 0 : 1 };
}

function formatDataset(directory: string, check: DatasetCheck, fix: boolean): CheckResult {
  const lines: string[] = [];
  for (const save of check.saves) {
    const sums = save.checksummed ? 'checksummed' : 'no checksums (saved by upstream or an older version)';
    lines.push(`${save.path}: ${save.problems.length === 0 ? `ok, ${save.items ?? 0} items, ${sums}` : `DAMAGED (${sums})`}`);
    for (const problem of save.problems) lines.push(`  ${problem}`);
  }
  if (check.saves.length === 0) lines.push(`${directory}: no saves here`);
  for (const moved of check.movedAside) lines.push(`moved aside: ${moved}`);
  const newestIntact = check.saves.findIndex((save) => save.problems.length === 0);
  const loads = newestIntact === 0 || (fix && newestIntact > 0);
  if (loads)
    lines.push(newestIntact === 0 ? 'a load takes the newest save, which is intact' : 'repaired: a load now takes the newest intact save');
  else if (newestIntact > 0)
    lines.push(`the newest save is damaged; to load the newest intact one: nemesisdb check-dataset ${directory} --fix`);
  else lines.push('no intact save');
  return { output: lines.join('\n') + '\n', code: loads ? 0 : 1 };
}
