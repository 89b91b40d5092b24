// Regenerates the coverage table in docs/conformance/coverage.md (between the coverage markers).
// `--write` updates the page; without it, exits 1 when the page is stale (coverage.test.ts does
// the same check in the test run).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { extractFromDocs } from '../src/corpus.js';
import { replaceCoverageBlock } from '../src/coverage-page.js';

const docs = fileURLToPath(new URL('../../docs', import.meta.url));
const page = `${docs}/conformance/coverage.md`;
const current = readFileSync(page, 'utf8');
const updated = replaceCoverageBlock(current, extractFromDocs(docs));
if (updated === current) {
  console.log('docs/conformance/coverage.md is up to date');
} else if (process.argv.includes('--write')) {
  writeFileSync(page, updated);
  console.log('docs/conformance/coverage.md updated');
} else {
  console.error('docs/conformance/coverage.md is stale: run `pnpm --filter @nemesisdb/conformance coverage-table`');
  process.exitCode = 1;
}
