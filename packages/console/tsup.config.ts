import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Options } from 'tsup';
import { parseCommandDoc, type CommandParameters } from './src/page/command-docs.js';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

const here = dirname(fileURLToPath(import.meta.url));
const DOCS = join(here, '../../docs/commands');
const OUT = join(here, 'dist/public');

/** `virtual:command-parameters`: each command's request parameters, read from docs/commands/*.md. */
const commandParameters: Plugin = {
  name: 'command-parameters',
  setup(build) {
    build.onResolve({ filter: /^virtual:command-parameters$/ }, () => ({ path: 'command-parameters', namespace: 'virtual' }));
    build.onLoad({ filter: /.*/, namespace: 'virtual' }, () => {
      const table: Record<string, CommandParameters[string]> = {};
      for (const file of readdirSync(DOCS).filter((name) => name.endsWith('.md'))) {
        const doc = parseCommandDoc(readFileSync(join(DOCS, file), 'utf8'));
        if (doc !== undefined) table[doc.command] = doc.parameters;
      }
      return { contents: JSON.stringify(table), loader: 'json', watchFiles: readdirSync(DOCS).map((name) => join(DOCS, name)) };
    });
  },
};

/** The page must not carry zod (or anything of the schemas): the build fails if it would. */
const noZod: Plugin = {
  name: 'no-zod',
  setup(build) {
    build.onResolve({ filter: /^zod(\/|$)|^@nemesisdb\/protocol$|^@nemesisdb\/client(\/browser)?$/ }, (args) => ({
      errors: [
        {
          text: `the console page must not import ${args.path} (from ${args.importer}): use @nemesisdb/protocol/codec and @nemesisdb/client/wire`,
        },
      ],
    }));
  },
};

function contentHash(body: Buffer | string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 10);
}

/** The page's stylesheet in parts, one per area, joined in this order into one hashed console.css. */
const STYLESHEETS = ['base.css', 'layout.css', 'replies.css', 'panels.css'];

/**
 * After the page's build: the stylesheet parts (src/styles) are joined, uPlot's stylesheet is
 * appended and the result named by its content hash (console.<hash>.css); index.html points at the hashed script and stylesheet, and the command docs are copied to
 * docs/commands/ (each reply links its command's page, served by the server itself, so the docs
 * match the server's version and work offline). Hashed names are cached by browsers for a year.
 */
function finishPage(): void {
  const css =
    STYLESHEETS.map((name) => readFileSync(join(here, 'src/styles', name), 'utf8')).join('\n') +
    '\n/* uPlot 1.6 (MIT) */\n' +
    readFileSync(join(here, 'node_modules/uplot/dist/uPlot.min.css'), 'utf8');
  const cssName = `console.${contentHash(css)}.css`;
  writeFileSync(join(OUT, cssName), css);
  const scriptName = readdirSync(OUT).find((name) => /^console\.[0-9A-Z]{8}\.js$/.test(name));
  if (scriptName === undefined) throw new Error('the page build wrote no console.<hash>.js');
  const workerName = readdirSync(OUT).find((name) => /^wire-worker\.[0-9A-Z]{8}\.js$/.test(name));
  if (workerName === undefined) throw new Error('the page build wrote no wire-worker.<hash>.js');
  const html = readFileSync(join(here, 'src/public/index.html'), 'utf8');
  const page = html
    .replace('href="console.css"', `href="${cssName}"`)
    .replace('src="console.js"', `src="${scriptName}" data-wire-worker="${workerName}"`);
  if (page === html || !page.includes(cssName) || !page.includes(scriptName))
    throw new Error('index.html does not reference console.css and console.js');
  writeFileSync(join(OUT, 'index.html'), page);
  mkdirSync(join(OUT, 'docs/commands'), { recursive: true });
  for (const file of readdirSync(DOCS).filter((name) => name.endsWith('.md')))
    copyFileSync(join(DOCS, file), join(OUT, 'docs/commands', file));
}

// Two outputs, built in parallel:
export default defineConfig([
  // The Node entry: CONSOLE_DIRECTORY, with types. Its clean spares dist/public (the other build's).
  {
    entry: { index: 'src/index.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    dts: true,
    sourcemap: true,
    clean: ['!public/**'],
  },
  // The page, in dist/public: a minified ES module with the protocol's codec and the SDK's wire
  // layer inside (the server's Content-Security-Policy allows scripts from its own origin only, so
  // nothing comes from a CDN); the compose box's socket as a worker (wire-worker.ts) sharing a
  // chunk with it; the charts (uPlot) as a chunk loaded when the server view opens. Content
  // hashes in the names; index.html and icon.svg copied from src/public.
  {
    entry: { console: 'src/page/main.ts', 'wire-worker': 'src/page/wire-worker.ts' },
    outDir: 'dist/public',
    format: ['esm'],
    target: 'es2022',
    platform: 'browser',
    minify: true,
    sourcemap: false,
    splitting: true,
    noExternal: [/.*/],
    clean: true,
    publicDir: 'src/public',
    esbuildPlugins: [noZod, commandParameters],
    esbuildOptions(options) {
      options.entryNames = '[name].[hash]';
      options.chunkNames = '[name].[hash]';
    },
    onSuccess: async () => finishPage(),
  },
]);
