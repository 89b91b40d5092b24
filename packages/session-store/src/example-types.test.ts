// The examples type-check as a TypeScript user has them: against the built declarations
// (dist/index.d.ts, what npm installs) with express-session's, Express's and Fastify's own types.
// apps.test.ts runs the guide's apps through tsx, which checks no types: a NemesisStore declared
// as a bare module namespace was refused by `session({ store })` (TS2740), unseen, until this test.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { writeExample, writeGuideExample } from './testing/guide.test-util.js';

const PACKAGE = fileURLToPath(new URL('../', import.meta.url));
const BASE_CONFIG = fileURLToPath(new URL('../../../tsconfig.base.json', import.meta.url));

/** The README's first TypeScript block, written beside the guide's examples. */
function writeReadmeExample(): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const code = /```ts\n([\s\S]*?)\n```/.exec(readme)?.[1];
  if (code === undefined) throw new Error('the README has no ts block');
  return writeExample('readme', code);
}

/** Every error tsc reports on `files`, as `file:line: message`, with the workspace's compiler options. */
function typeErrors(files: string[]): string[] {
  const { config } = ts.readConfigFile(BASE_CONFIG, (path) => ts.sys.readFile(path));
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, PACKAGE);
  const program = ts.createProgram(files, { ...options, noEmit: true });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (diagnostic.file === undefined || diagnostic.start === undefined) return message;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    return `${relative(PACKAGE, diagnostic.file.fileName)}:${line + 1}: ${message}`;
  });
}

describe('the examples, type-checked against the built package', () => {
  it('resolves @nemesisdb/session-store to its declarations, and finds a wrong use', () => {
    // Guards the check itself: a program that resolved nothing, or checked nothing, would pass.
    const file = writeExample('misuse', "import { NemesisStore } from '@nemesisdb/session-store';\nnew NemesisStore({ url: 1 });");
    expect(typeErrors([file]).join('\n')).toMatch(/misuse\.ts:2: Type 'number' is not assignable to type 'string'/);
  });

  it('accepts the guide’s Express and Fastify apps and the README’s example as written', () => {
    // And a store used directly: an EventEmitter, sessions of the app's own type, callbacks or promises.
    const direct = writeExample(
      'direct',
      [
        "import { NemesisStore, type StoredSession } from '@nemesisdb/session-store';",
        "const store = new NemesisStore({ url: 'ws://127.0.0.1:1987', ttl: (session: StoredSession) => (session.admin === true ? 60 : 600) });",
        "store.on('disconnect', () => {});",
        'interface Visit { cookie?: { maxAge?: number }; user?: string }',
        "await store.set('sid', { user: 'ada', cookie: { maxAge: 60_000 } });",
        "const visit = await store.get<Visit>('sid');",
        'const user: string | undefined = visit?.user;',
        "store.get('sid', (error, session) => console.log(error, session?.user, user));",
        'const everyone: Record<string, StoredSession> = await store.all();',
        'console.log(everyone, await store.length(), await store.ids());',
      ].join('\n'),
    );
    const files = [writeGuideExample('express'), writeGuideExample('fastify'), writeReadmeExample(), direct];
    expect(typeErrors(files)).toEqual([]);
  }, 60_000);
});
