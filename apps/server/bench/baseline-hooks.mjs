// Resolve hook of baseline-loader.mjs: `@nemesisdb/<name>[/<entry>]` → packages/<name>/dist-baseline/<entry>.js
// when that file exists.
import { existsSync } from 'node:fs';
import { URL, fileURLToPath } from 'node:url';

const PACKAGES = new URL('../../../packages/', import.meta.url);
const SPECIFIER = /^@nemesisdb\/([a-z-]+)(?:\/([a-z-]+))?$/;

export async function resolve(specifier, context, next) {
  const match = SPECIFIER.exec(specifier);
  if (match !== null) {
    const url = new URL(`${match[1]}/dist-baseline/${match[2] ?? 'index'}.js`, PACKAGES);
    if (existsSync(fileURLToPath(url))) return { url: url.href, shortCircuit: true };
  }
  return next(specifier, context);
}
