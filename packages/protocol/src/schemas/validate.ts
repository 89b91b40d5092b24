import type { z } from 'zod';
import { TOKEN_COMMANDS, commands, type CommandName, type RequestBody } from './commands.js';
import { protocolIssueParams } from './issues.js';
import { PLAIN_BODIES } from './plain-bodies.js';
import { Status } from '../status.js';
import { isJsonObject } from '../codec/json-value.js';

/** The `m` upstream sends with ParamMissing (26). */
export const MISSING_PARAMETER = 'Missing parameter';
/** The `m` upstream sends with ValueTypeInvalid (41). */
export const PARAM_TYPE_INCORRECT = 'Param type incorrect';

/** A request body that failed its checks: the status and `m` to answer with (error form A). */
export interface RequestRejection {
  ok: false;
  st: number;
  m: string;
}

/** The outcome of {@link checkRequest}. */
export type RequestCheck<C extends CommandName> = { ok: true; body: RequestBody<C> } | RequestRejection;

/**
 * Checks a command's body as NemesisDB v0.7.4 does (docs/reference/protocol.md §4) and says what to answer:
 * - parameters are checked in alphabetical order of name and the first failure wins: absent →
 *   26 `"Missing parameter"`, present with the wrong type → 41 `"Param type incorrect"`;
 * - then the command-specific checks, with their own status and `m`;
 * - for session commands, `tkn` is checked last and any problem with it is 100 (SessionNotExist).
 */
export function checkRequest<C extends CommandName>(command: C, body: unknown): RequestCheck<C> {
  const plain = PLAIN_BODIES[command];
  if (plain !== undefined && isJsonObject(body) && plain(body)) return { ok: true, body: body as RequestBody<C> };
  const schema = commands[command].request;
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, body: result.data as RequestBody<C> };
  let issues = result.error.issues;
  if (command !== 'SH_INFO' && TOKEN_COMMANDS.has(command) && issues.every((issue) => issue.path[0] === 'tkn')) {
    // Only `tkn` failed, and zod skipped the command-specific checks because of it; upstream runs
    // those first. Check again with a valid token to find out (failure path only). SH_INFO's own
    // check (one member) already ran before its `tkn` check, in a pipe.
    const again = schema.safeParse({ ...(body as object), tkn: 0n });
    if (!again.success) issues = again.error.issues;
  }
  return rejection(command, body, issues);
}

function rejection(command: CommandName, body: unknown, issues: readonly z.core.$ZodIssue[]): RequestRejection {
  // zod reports every failing member at once (in the schema's order); upstream stops at the first
  // in alphabetical order of name, except that a session command's `tkn` comes last.
  const issue = [...issues].sort((a, b) => comparePaths(a, b, command))[0]!;
  const custom = protocolIssueParams(issue);
  if (custom) return { ok: false, st: custom.st, m: custom.m };
  const member = issue.path[0];
  if (member === undefined) return { ok: false, st: Status.CommandSyntax, m: '' };
  if (member === 'tkn' && TOKEN_COMMANDS.has(command)) return { ok: false, st: Status.SessionNotExist, m: '' };
  return valueAt(body, issue.path) === undefined
    ? { ok: false, st: Status.ParamMissing, m: MISSING_PARAMETER }
    : { ok: false, st: Status.ValueTypeInvalid, m: PARAM_TYPE_INCORRECT };
}

function comparePaths(a: z.core.$ZodIssue, b: z.core.$ZodIssue, command: CommandName): number {
  if (TOKEN_COMMANDS.has(command)) {
    const tokenA = a.path[0] === 'tkn';
    if (tokenA !== (b.path[0] === 'tkn')) return tokenA ? 1 : -1;
  }
  const length = Math.min(a.path.length, b.path.length);
  for (let i = 0; i < length; i++) {
    const x = String(a.path[i]);
    const y = String(b.path[i]);
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.path.length - b.path.length;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}
