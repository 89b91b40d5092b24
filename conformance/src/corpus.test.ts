// The corpus shipped in the package is the one the docs give, and the docs hold what the runner
// and the v0.7.4 profile rely on.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractFromDocs, loadCorpus } from './corpus.js';
import { IMPROVEMENT_TAG, UPSTREAM_ONLY_TAG } from './tags.js';

const docs = fileURLToPath(new URL('../../docs', import.meta.url));
const cases = extractFromDocs(docs);

describe('the corpus', () => {
  it('shipped in dist/ matches the docs (the build regenerates it)', () => {
    const shipped = loadCorpus(fileURLToPath(new URL('../dist/corpus.json', import.meta.url)));
    expect(shipped.cases).toEqual(JSON.parse(JSON.stringify(cases)));
  });

  it('is shipped in the npm package', () => {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as {
      files: string[];
      bin: Record<string, string>;
    };
    expect(pkg.files).toContain('dist');
    expect(pkg.bin['nemesisdb-conformance']).toBe('./dist/cli.js');
  });

  it('tags every improvement with the docs/reference/protocol.md item it checks', () => {
    const item = /^(C\d+|D\d+)$/;
    for (const c of cases.filter((c) => c.tags.includes(IMPROVEMENT_TAG) || c.tags.includes(UPSTREAM_ONLY_TAG))) {
      expect(
        c.tags.some((t) => item.test(t)),
        c.id,
      ).toBe(true);
    }
  });

  it("fits every request in upstream's largest maxPayload (8192 bytes) unless it is padded", () => {
    for (const c of cases) {
      for (const step of c.steps)
        if (step.kind === 'send' && !step.pad) expect(Buffer.byteLength(step.text), c.id).toBeLessThanOrEqual(8192);
    }
  });

  it('keeps the expiry waits short: the whole suite stays well under a minute', () => {
    const waited = cases.flatMap((c) => c.steps).reduce((sum, s) => sum + (s.kind === 'wait' ? s.ms : 0), 0);
    expect(waited).toBeLessThan(30_000);
  });
});
