// @nemesisdb/console — the NemesisDB web console: a static page (HTML, one ES module, one
// stylesheet, an icon) that a NemesisDB server serves on GET / so that the tutorials need nothing
// but a browser. This entry only tells Node where the built page is.

import { fileURLToPath } from 'node:url';

/**
 * The absolute path of the built page (`dist/public` of this package), to pass to the server as
 * `startServer({ engine, staticDirectory: CONSOLE_DIRECTORY })`. It holds `index.html` (served at
 * `/`), `console.js`, `console.css` and `icon.svg`.
 *
 * `../dist/public` is right both from `dist/index.js` (the published entry) and from
 * `src/index.ts` (tests that import the source), so the path never points at the unbuilt sources.
 */
export const CONSOLE_DIRECTORY: string = fileURLToPath(new URL('../dist/public', import.meta.url));

/** The files of {@link CONSOLE_DIRECTORY}, by URL path (`/` is `index.html`). */
export const CONSOLE_FILES = ['/index.html', '/console.js', '/console.css', '/icon.svg'] as const;
