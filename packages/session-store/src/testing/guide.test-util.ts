// The guide's example apps (docs/guides/session-store.md), exactly as written: the code block after
// `<!-- example: NAME -->`, written to a file inside this package (so that its imports resolve as
// in a user's project, `@nemesisdb/session-store` to this package's build).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const GUIDE = fileURLToPath(new URL('../../../../docs/guides/session-store.md', import.meta.url));
const OUT = fileURLToPath(new URL('../../.examples/', import.meta.url));

/** The code of the guide's example `name`. */
export function guideExample(name: string): string {
  const text = readFileSync(GUIDE, 'utf8');
  const marker = `<!-- example: ${name} -->`;
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`the guide has no ${marker}`);
  const match = /```ts\n([\s\S]*?)\n```/.exec(text.slice(at));
  if (match === null) throw new Error(`no ts block after ${marker}`);
  return match[1]!;
}

/** Writes the example to a file of its own and returns the path. */
export function writeGuideExample(name: string): string {
  return writeExample(name, guideExample(name));
}

/** Writes `code` as the example file `name`.ts beside the guide's (imports resolve as in a user's project) and returns the path. */
export function writeExample(name: string, code: string): string {
  mkdirSync(OUT, { recursive: true });
  const file = `${OUT}${name}.ts`;
  writeFileSync(file, code + '\n');
  return file;
}
