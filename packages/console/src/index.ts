// @nemesisdb/console — the NemesisDB web console: a static page (HTML, an ES module and its charts
// chunk, a stylesheet, an icon, the command docs) that a NemesisDB server serves on GET / so that
// the tutorials need nothing but a browser. This entry only tells Node where the built page is.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The absolute path of the built page (`dist/public` of this package), to pass to the server as
 * `startServer({ engine, staticDirectory: CONSOLE_DIRECTORY })`. It holds `index.html` (served at
 * `/`), `console.<hash>.js` (and its `charts.<hash>.js` chunk), `console.<hash>.css`, `icon.svg`
 * and `docs/commands/*.md`. Names with a content hash may be cached by browsers for good.
 *
 * `../dist/public` is right both from `dist/index.js` (the published entry) and from
 * `src/index.ts` (tests that import the source), so the path never points at the unbuilt sources.
 */
export const CONSOLE_DIRECTORY: string = fileURLToPath(new URL('../dist/public', import.meta.url));

function list(directory: string): string[] {
  if (!existsSync(directory)) return [];
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files.push('/' + relative(directory, path).split(sep).join('/'));
    }
  };
  walk(directory);
  return files;
}

/**
 * The files of {@link CONSOLE_DIRECTORY}, by URL path (`/` is `index.html`), as built: the names
 * carry content hashes, so the list is read from the directory (empty before `pnpm build`).
 */
export const CONSOLE_FILES: readonly string[] = list(CONSOLE_DIRECTORY);
