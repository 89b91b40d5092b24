// The schema-free entry is the same codec and status table as the root, and imports no zod.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as codec from './codec.js';
import * as root from './index.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Every module `file` imports, transitively, by relative specifier (the entry's own graph). */
function moduleGraph(file: string, seen = new Set<string>()): { files: Set<string>; packages: Set<string> } {
  const packages = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    const source = readFileSync(path, 'utf8');
    for (const [, specifier] of source.matchAll(/^(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)) {
      if (specifier!.startsWith('.')) visit(join(dirname(path), specifier!.replace(/\.js$/, '.ts')));
      else packages.add(specifier!);
    }
  };
  visit(file);
  return { files: seen, packages };
}

describe('@nemesisdb/protocol/codec', () => {
  it('exports the root’s codec and status table, the very same objects', () => {
    for (const name of [
      'decode',
      'encode',
      'JsonDecodeError',
      'JsonDouble',
      'formatDouble',
      'MAX_NESTING_DEPTH',
      'Status',
      'statusName',
      'STATUS_MEANINGS',
      'isSuccess',
    ] as const) {
      expect(codec[name], name).toBe(root[name]);
    }
    expect(codec.decode('{"tkn":16351792548006066062}')).toEqual({ tkn: 16351792548006066062n });
  });

  it('imports no package (zod stays out of bundles that use it) and no schema module', () => {
    const { files, packages } = moduleGraph(join(here, 'codec.ts'));
    expect([...packages]).toEqual([]);
    expect([...files].some((path) => path.includes('/schemas/'))).toBe(false);
    // The root, for contrast, does reach zod: the check can fail.
    expect(moduleGraph(join(here, 'index.ts')).packages.has('zod')).toBe(true);
  });
});
