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
  /** The page's first example. */
  example: { title: string; request: string; response: string | undefined } | undefined;
}
