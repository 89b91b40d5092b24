// The package's version, read from package.json (src/ and dist/ both sit one level below it).
import { createRequire } from 'node:module';

export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
