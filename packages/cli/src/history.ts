import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/*
 * The REPL's history across runs, one entry a line, oldest first, in ~/.nemesisdb_cli_history
 * (as redis-cli keeps ~/.rediscli_history). NEMESISDB_CLI_HISTORY names another file; set to an
 * empty string (or /dev/null) it turns history off. An entry typed over several lines is stored
 * on one (lines joined with a space: a line break outside a JSON string is only whitespace).
 */

/** Entries kept, in the file and in the session. */
export const HISTORY_SIZE = 1000;

/** The history file's path, or `undefined` when history is off. */
export function historyPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const chosen = env.NEMESISDB_CLI_HISTORY;
  if (chosen === undefined) return join(homedir(), '.nemesisdb_cli_history');
  return chosen === '' || chosen === '/dev/null' ? undefined : chosen;
}

export class HistoryFile {
  private warned = false;

  constructor(
    readonly path: string | undefined,
    private readonly warn: (message: string) => void,
  ) {}

  /** The entries, newest first (the order node:readline takes). Trims the file to HISTORY_SIZE. */
  load(): string[] {
    if (this.path === undefined) return [];
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.report(error);
      return [];
    }
    const entries = text.split('\n').filter((line) => line.trim() !== '');
    if (entries.length > HISTORY_SIZE) {
      entries.splice(0, entries.length - HISTORY_SIZE);
      try {
        writeFileSync(this.path, `${entries.join('\n')}\n`, { mode: 0o600 });
      } catch (error) {
        this.report(error);
      }
    }
    return entries.reverse();
  }

  /** Adds an entry at once, so that a crash or a second terminal loses nothing. */
  append(entry: string): void {
    if (this.path === undefined) return;
    try {
      appendFileSync(this.path, `${oneLine(entry)}\n`, { mode: 0o600 });
    } catch (error) {
      this.report(error);
    }
  }

  private report(error: unknown): void {
    if (this.warned) return;
    this.warned = true;
    this.warn(`history file ${this.path}: ${(error as Error).message} (history is not saved)`);
  }
}

/** An entry as one line. */
export function oneLine(entry: string): string {
  return entry
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join(' ');
}
