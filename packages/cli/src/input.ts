import { COMMAND_NAMES, JsonDecodeError, decode, isCommandName } from '@nemesisdb/protocol';
import type { TokenBook } from './tokens.js';

/*
 * What a user types, turned into the text of one request. Three forms:
 *   SH_NEW {"expiry":{"duration":60}}     a name and a JSON body (the name in any case)
 *   SH_INFO_ALL                           a bare name: an empty body
 *   {"SH_NEW":{}}                         a whole request, sent as typed
 * `$tkn` (the last token the server returned) and `$1`, `$2`, … (earlier ones, by number) may be
 * written bare or as a whole string ("$tkn"); either way a bare 64-bit integer is sent. The text is
 * decoded with the protocol's lossless codec only to check it: what goes out is the user's own
 * text (with variables filled in), so `60.0`, member order and big integers are sent as written.
 */

export type ParsedInput =
  /** A request ready to send; `command` is the name the reply will be for, when known. */
  | { kind: 'request'; command: string | undefined; text: string }
  /** Nothing to send (blank line). */
  | { kind: 'empty' }
  /** Braces or brackets still open: the REPL asks for another line. */
  | { kind: 'incomplete' }
  /** The input cannot be sent; `message` says why, for a person. */
  | { kind: 'error'; message: string };

/** How deep the text's `{`/`[` nesting is at its end, outside strings (negative: too many closers). */
export function openDepth(text: string): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return depth;
}

const VARIABLE = /^\$(tkn|[1-9]\d*)$/;

/** Replaces `$tkn`/`$N` (bare, or as a whole string) with the token's digits. */
export function substituteTokens(text: string, tokens: TokenBook): { text: string } | { error: string } {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      // A whole string: copy it, or replace it when it is exactly a variable.
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const literal = text.slice(i, end + 1);
      const name = VARIABLE.exec(literal.slice(1, -1))?.[1];
      if (name !== undefined) {
        const token = tokens.lookup(name);
        if (token === undefined) return { error: unknownVariable(name) };
        out += token.toString();
      } else {
        out += literal;
      }
      i = end + 1;
      continue;
    }
    if (c === '$') {
      const name = /^\$(tkn|[1-9]\d*)(?![\w$])/.exec(text.slice(i))?.[1];
      if (name !== undefined) {
        const token = tokens.lookup(name);
        if (token === undefined) return { error: unknownVariable(name) };
        out += token.toString();
        i += name.length + 1;
        continue;
      }
    }
    out += c;
    i++;
  }
  return { text: out };
}

function unknownVariable(name: string): string {
  return name === 'tkn'
    ? '$tkn: no token yet — the server has not returned one (create a session with SH_NEW)'
    : `$${name}: no such token — only tokens the server returned are numbered (type \`tokens\` to list them)`;
}

/** Command names close to `name` (same prefix or a small edit away), for "did you mean". */
export function suggestCommands(name: string): string[] {
  const upper = name.toUpperCase();
  const scored = COMMAND_NAMES.map((candidate) => ({ candidate, distance: editDistance(upper, candidate) }));
  return scored
    .filter(({ candidate, distance }) => distance <= 2 || candidate.startsWith(upper) || (upper.length >= 4 && candidate.includes(upper)))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, 4)
    .map(({ candidate }) => candidate);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Reads one input (possibly several lines joined with `\n`). `allowIncomplete` (the REPL) answers
 * `incomplete` while braces are open; one-shot and pipe modes get an error instead.
 */
export function parseInput(input: string, tokens: TokenBook, allowIncomplete = false): ParsedInput {
  const trimmed = input.trim();
  if (trimmed === '') return { kind: 'empty' };
  if (allowIncomplete && openDepth(trimmed) > 0) return { kind: 'incomplete' };

  if (trimmed.startsWith('{')) return readWhole(trimmed, tokens);

  const match = /^([A-Za-z][A-Za-z0-9_]*)(?:\s+([\s\S]*))?$/.exec(trimmed);
  if (match === null) {
    return {
      kind: 'error',
      message: `cannot read ${JSON.stringify(preview(trimmed))}: type a command name and a JSON body (SH_NEW {}), a whole request ({"SH_NEW":{}}), or \`help\``,
    };
  }
  const command = match[1]!.toUpperCase();
  if (!isCommandName(command)) {
    const near = suggestCommands(command);
    const hint = near.length > 0 ? ` — did you mean ${near.join(', ')}?` : '';
    return { kind: 'error', message: `unknown command ${match[1]}${hint} (\`help\` lists the commands)` };
  }
  const body = match[2]?.trim() ?? '';
  if (body === '') return { kind: 'request', command, text: `{${JSON.stringify(command)}:{}}` };
  if (!body.startsWith('{')) {
    return {
      kind: 'error',
      message: `the body of ${command} must be a JSON object, e.g. ${command} {…} (got ${JSON.stringify(preview(body))})`,
    };
  }
  const filled = substituteTokens(body, tokens);
  if ('error' in filled) return { kind: 'error', message: filled.error };
  const problem = jsonProblem(filled.text);
  if (problem !== undefined) return { kind: 'error', message: `the body of ${command} is not JSON: ${problem} — nothing was sent` };
  return { kind: 'request', command, text: `{${JSON.stringify(command)}:${filled.text}}` };
}

/** A whole request: anything that decodes goes out as typed; the server's answer is the lesson. */
function readWhole(text: string, tokens: TokenBook): ParsedInput {
  const filled = substituteTokens(text, tokens);
  if ('error' in filled) return { kind: 'error', message: filled.error };
  const problem = jsonProblem(filled.text);
  if (problem !== undefined) return { kind: 'error', message: `not JSON: ${problem} — nothing was sent` };
  const value = decode(filled.text, { exactNumbers: true }) as Record<string, unknown>;
  const names = Object.keys(value);
  return { kind: 'request', command: names.length === 1 ? names[0] : undefined, text: filled.text };
}

/** Why a text is not JSON as the server reads it (the protocol's own codec), or `undefined`. */
function jsonProblem(text: string): string | undefined {
  const depth = openDepth(text);
  if (depth > 0) return `${depth} { or [ not closed`;
  try {
    decode(text, { exactNumbers: true });
    return undefined;
  } catch (error) {
    if (!(error instanceof JsonDecodeError)) return (error as Error).message;
    return error.position === undefined ? error.message : `${error.message}${nearby(text, error.position)}`;
  }
}

function nearby(text: string, position: number): string {
  const snippet = text.slice(Math.max(0, position - 12), position + 12).replace(/\s+/g, ' ');
  return snippet === '' ? '' : ` (near ${snippet})`;
}

function preview(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
