// Where cases come from: the corpus shipped in the package (dist/corpus.json, generated from docs/
// at build time so the CLI runs from npm alone), or any docs tree read directly.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExtractError, extractCases } from './extract.js';
import type { Case, Corpus } from './types.js';

/** Every case of a docs tree: its `.md` files in path order, ids relative to `docsDir`. */
export function extractFromDocs(docsDir: string): Case[] {
  const cases: Case[] = [];
  const ids = new Map<string, Case>();
  for (const path of markdownFiles(docsDir)) {
    const file = relative(docsDir, path).split(sep).join('/');
    for (const c of extractCases(readFileSync(path, 'utf8'), file)) {
      const twin = ids.get(c.id);
      if (twin) throw new ExtractError(file, c.line, `case id ${c.id} is also at line ${twin.line}`);
      ids.set(c.id, c);
      cases.push(c);
    }
  }
  return cases;
}

/** The corpus object written to dist/corpus.json. */
export function buildCorpus(docsDir: string): Corpus {
  return { version: 1, cases: extractFromDocs(docsDir) };
}

/** The corpus shipped with this package (or the one at `path`). */
export function loadCorpus(path: string = fileURLToPath(new URL('./corpus.json', import.meta.url))): Corpus {
  const corpus = JSON.parse(readFileSync(path, 'utf8')) as Corpus;
  if (corpus.version !== 1 || !Array.isArray(corpus.cases)) throw new Error(`${path} is not a conformance corpus (version 1)`);
  return corpus;
}

function markdownFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...markdownFiles(path));
    else if (entry.isFile() && entry.name.endsWith('.md')) files.push(path);
  }
  return files;
}
