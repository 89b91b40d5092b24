// Build step: extracts every case from ../docs into dist/corpus.json, which the package ships so
// the CLI runs from npm without the docs tree.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildCorpus } from '../src/corpus.js';

const docs = fileURLToPath(new URL('../../docs', import.meta.url));
const out = fileURLToPath(new URL('../dist/corpus.json', import.meta.url));
const corpus = buildCorpus(docs);
mkdirSync(fileURLToPath(new URL('../dist', import.meta.url)), { recursive: true });
writeFileSync(out, `${JSON.stringify(corpus)}\n`);
console.log(`corpus: ${corpus.cases.length} cases from docs/ → dist/corpus.json`);
