// Markdown → cases. The notation is documented for humans in docs/conformance/notation.md; this
// module is its only parser. It reads lines, not a Markdown AST: the notation is small enough that
// a line scanner is easier to keep exactly in step with the documentation.
import { COMMAND_NAMES, decode } from '@nemesisdb/protocol';
import type { Case, Padding, SendMode, Step } from './types.js';

/** A page that breaks the notation; the message names the page and line. */
export class ExtractError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'ExtractError';
  }
}

const FENCE = /^(\s*)(`{3,}|~{3,})(.*)$/;
const HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
const TAGS = /^\s*<!--\s*tags:\s*(.*?)\s*-->\s*$/;
// Step lines start with inline code holding one of three verbs; the rest of the line is prose.
const WAIT = /^`wait (\d+)\s?ms`/;
const CONNECT = /^`connect (\/\S*)`/;
const CLOSE = /^`expect close(?: (\d{4}))?`/;

const COMMANDS: ReadonlySet<string> = new Set(COMMAND_NAMES);
const SEND_MODES: Readonly<Record<string, SendMode>> = { json: 'json', text: 'text', binary: 'binary', hex: 'hex' };
const SAVE_OR_LOAD = /^(KV|SH)_(SAVE|LOAD)$/;
const DESTRUCTIVE: ReadonlySet<string> = new Set(['KV_CLEAR', 'KV_CLEAR_SET', 'SH_END_ALL']);
const SUCCESS_STATUSES: ReadonlySet<number> = new Set([1, 121, 141]);

interface Section {
  title: string;
  line: number;
  tags: string[];
  steps: Step[];
}

/**
 * Extracts the cases of one Markdown page. `file` is the page's path relative to the docs root
 * (it prefixes every case id). Throws {@link ExtractError} on a malformed case.
 */
export function extractCases(markdown: string, file: string): Case[] {
  const lines = markdown.split(/\r?\n/);
  const sections: Section[] = [];
  let current: Section | null = null;

  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? '';
    const lineNo = i + 1;
    const fence = FENCE.exec(text);
    if (fence) {
      // Collect the block up to the closing fence (same character, at least as long).
      const marker = fence[2] ?? '```';
      const info = (fence[3] ?? '').trim();
      const body: string[] = [];
      let j = i + 1;
      for (; j < lines.length; j++) {
        const closing = lines[j] ?? '';
        if (isClosingFence(closing, marker)) break;
        body.push(closing.startsWith(fence[1] ?? '') ? closing.slice((fence[1] ?? '').length) : closing);
      }
      if (j >= lines.length) throw new ExtractError(file, lineNo, 'code block is never closed');
      const step = blockStep(info, body.join('\n'), file, lineNo);
      if (step) {
        if (!current) throw new ExtractError(file, lineNo, 'a request or response block needs a heading above it (the case title)');
        current.steps.push(step);
      }
      i = j;
      continue;
    }
    const heading = HEADING.exec(text);
    if (heading) {
      current = { title: plainText(heading[2] ?? ''), line: lineNo, tags: [], steps: [] };
      sections.push(current);
      continue;
    }
    const tags = TAGS.exec(text);
    if (tags && current) {
      current.tags.push(...(tags[1] ?? '').split(/[\s,]+/).filter((t) => t !== ''));
      continue;
    }
    const step = lineStep(text.trimStart(), lineNo);
    if (step) {
      if (!current) throw new ExtractError(file, lineNo, 'a step needs a heading above it (the case title)');
      current.steps.push(step);
    }
  }

  const cases: Case[] = [];
  const slugs = new Map<string, number>();
  for (const section of sections) {
    if (!section.steps.some((s) => s.kind === 'send')) {
      if (section.steps.length > 0) {
        throw new ExtractError(file, section.steps[0]!.line, 'steps without any request block');
      }
      continue;
    }
    checkOrder(section, file);
    const base = slugify(section.title) || 'case';
    const seen = slugs.get(base) ?? 0;
    slugs.set(base, seen + 1);
    const id = `${file}#${seen === 0 ? base : `${base}-${seen + 1}`}`;
    cases.push({
      id,
      title: section.title,
      file,
      line: section.line,
      tags: deriveTags(section),
      steps: section.steps,
    });
  }
  return cases;
}

/** A fenced block's step, or null for an ordinary (illustrative) code block. */
function blockStep(info: string, body: string, file: string, line: number): Step | null {
  const words = info.split(/\s+/).filter((w) => w !== '');
  const [lang, role, ...modifiers] = words;
  if (role !== 'request' && role !== 'response') return null;

  if (role === 'request') {
    const mode = lang === undefined ? undefined : SEND_MODES[lang];
    if (!mode) throw new ExtractError(file, line, `unknown request kind "${lang ?? ''}" (json, text, binary or hex)`);
    let pad: Padding | undefined;
    for (const modifier of modifiers) {
      if (modifier === 'pad=max' || modifier === 'pad=max+1') pad = modifier.slice(4) as Padding;
      else throw new ExtractError(file, line, `unknown request modifier "${modifier}"`);
    }
    if (pad && mode !== 'json' && mode !== 'text') throw new ExtractError(file, line, 'pad= applies to json and text requests');
    if (mode === 'json') parseOrThrow(body, file, line, 'request');
    if (mode === 'hex' && !/^[\s0-9a-fA-F]*$/.test(body)) throw new ExtractError(file, line, 'hex request holds non-hex characters');
    if (mode === 'hex' && body.replace(/\s/g, '').length % 2 !== 0)
      throw new ExtractError(file, line, 'hex request has an odd number of digits');
    return pad ? { kind: 'send', mode, text: body, pad, line } : { kind: 'send', mode, text: body, line };
  }

  if (lang !== 'json') throw new ExtractError(file, line, 'responses are written as `json response`');
  let subset = false;
  let unordered = false;
  for (const modifier of modifiers) {
    if (modifier === 'subset') subset = true;
    else if (modifier === 'unordered') unordered = true;
    else throw new ExtractError(file, line, `unknown response modifier "${modifier}" (subset, unordered)`);
  }
  parseOrThrow(body, file, line, 'response');
  return { kind: 'expect', text: body, subset, unordered, line };
}

function isClosingFence(line: string, opening: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= opening.length && trimmed === opening[0]!.repeat(trimmed.length);
}

function lineStep(text: string, line: number): Step | null {
  const wait = WAIT.exec(text);
  if (wait) return { kind: 'wait', ms: Number(wait[1]), line };
  const connect = CONNECT.exec(text);
  if (connect) return { kind: 'connect', path: connect[1] ?? '/', line };
  const close = CLOSE.exec(text);
  if (close) return { kind: 'close', code: close[1] === undefined ? null : Number(close[1]), line };
  return null;
}

function parseOrThrow(body: string, file: string, line: number, what: string): void {
  try {
    decode(body);
  } catch (error) {
    throw new ExtractError(file, line, `${what} block is not JSON: ${(error as Error).message}`);
  }
}

/** Every expectation must answer the request just before it; a request needs not be checked. */
function checkOrder(section: Section, file: string): void {
  let previous: Step['kind'] | null = null;
  for (const step of section.steps) {
    if ((step.kind === 'expect' || step.kind === 'close') && previous !== 'send') {
      throw new ExtractError(file, step.line, `a ${step.kind === 'expect' ? 'response' : '`expect close`'} must directly follow a request`);
    }
    previous = step.kind;
  }
}

/**
 * Command tags, kind tags, the server settings the case depends on (`max-payload` for padded
 * requests, `persistence-on` for SAVE unless it is `persistence-off`) and the section's explicit
 * tags, deduplicated and in a stable order.
 */
function deriveTags(section: Section): string[] {
  const tags = new Set<string>();
  const kinds = new Set<string>();
  for (const step of section.steps) {
    if (step.kind === 'send') {
      if (step.mode === 'binary' || step.mode === 'hex' || step.pad) kinds.add('transport');
      if (step.pad) tags.add('max-payload');
      const command = requestCommand(step.text);
      if (command !== null && COMMANDS.has(command)) {
        tags.add(command);
        if (SAVE_OR_LOAD.test(command)) kinds.add('persistence');
        if (DESTRUCTIVE.has(command)) tags.add('destructive');
      }
    } else if (step.kind === 'expect') {
      const st = expectedStatus(step.text);
      if (st !== null && !SUCCESS_STATUSES.has(st)) kinds.add('status');
    } else if (step.kind === 'close' || step.kind === 'connect') {
      kinds.add('transport');
    } else {
      kinds.add('expiry');
    }
  }
  for (const tag of section.tags) {
    if (tag === 'expiry' || tag === 'status' || tag === 'transport' || tag === 'persistence') kinds.add(tag);
    else tags.add(tag);
  }
  if ((tags.has('KV_SAVE') || tags.has('SH_SAVE')) && !tags.has('persistence-off')) tags.add('persistence-on');
  if (kinds.size === 0) kinds.add('behaviour');
  return [...kinds, ...tags];
}

/** The command a request names (its one top-level member), or null when it has none. */
export function requestCommand(text: string): string | null {
  try {
    const value = decode(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
    const names = Object.keys(value);
    return names.length === 1 ? (names[0] ?? null) : null;
  } catch {
    return null;
  }
}

/** The `st` of an expected response (in its envelope's body), or null when it shows none. */
export function expectedStatus(text: string): number | null {
  try {
    const value = decode(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
    const body = Object.values(value)[0];
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
    const st = (body as Record<string, unknown>)['st'];
    return typeof st === 'number' ? st : null;
  } catch {
    return null;
  }
}

/** Heading text without Markdown emphasis or code marks. */
function plainText(heading: string): string {
  return heading
    .replace(/[`*]/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim();
}

/** GitHub-style anchor: lower case, punctuation dropped, spaces to hyphens. */
export function slugify(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s+/g, '-');
}
