import commandDocs from './generated/command-docs.json' with { type: 'json' };

/** One command's page of docs/commands/, cut into parts at build time (scripts/bundle-docs.mjs). */
export interface CommandDoc {
  /** Where the page lives in the repository, e.g. `docs/commands/sh-new.md`. */
  page: string;
  /** The title's second half: `create a session`. */
  summary: string;
  /** The paragraphs before `## Request`. */
  description: string;
  /** The rows of the request table: field, type, whether required, meaning. */
  parameters: { field: string; type: string; required: string; meaning: string }[];
  /** Prose of the Request section (e.g. "no parameters; members of the body are ignored"). */
  requestNotes: string;
  /** Prose of the Response section. */
  response: string;
  /** The rows of the statuses table. */
  statuses: { st: number; name: string; when: string }[];
  /** The page's first example (absent, like its reply, when the page has none: JSON has no `undefined`). */
  example?: { title: string; request: string; response?: string };
}

/**
 * Every command page, by command name. scripts/bundle-docs.mjs writes the JSON before each build
 * and typecheck; the type is checked here, so a change to the generator that drops or renames a
 * part fails to compile instead of printing `undefined` in `help`.
 */
export const COMMAND_DOCS: Readonly<Record<string, CommandDoc>> = commandDocs;
