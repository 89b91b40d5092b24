// The parameter table comes from the real docs, and names what a 26 or 41 is about.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '@nemesisdb/engine';
import { COMMAND_NAMES } from '@nemesisdb/protocol';
import { describe, expect, it } from 'vitest';
import { docsPath, hasDocumentedType, parameterProblem, parseCommandDoc, type CommandParameters } from './command-docs.js';
import { readJson, summarize } from './format.js';

const DOCS = join(import.meta.dirname, '../../../../docs/commands');

function table(): CommandParameters {
  const result: Record<string, CommandParameters[string]> = {};
  for (const file of readdirSync(DOCS).filter((name) => name.endsWith('.md'))) {
    const doc = parseCommandDoc(readFileSync(join(DOCS, file), 'utf8'));
    if (doc !== undefined) result[doc.command] = doc.parameters;
  }
  return result;
}

describe('the command docs', () => {
  const commands = table();

  it('describe every command, each at the path the console links to', () => {
    expect(Object.keys(commands).sort()).toEqual([...COMMAND_NAMES].sort());
    for (const command of COMMAND_NAMES) expect(readdirSync(DOCS)).toContain(docsPath(command).replace('docs/commands/', ''));
  });

  it('give each command’s top-level parameters and whether they are required', () => {
    expect(commands.SH_SET).toEqual([
      ['tkn', 'token', true],
      ['keys', 'object', true],
    ]);
    expect(commands.SH_NEW).toContainEqual(['expiry', 'object', false]);
    expect(commands.SH_NEW!.some(([, , required]) => required)).toBe(false);
    expect(commands.KV_FIND!.filter(([, , required]) => required).map(([name]) => name)).toEqual(['path', 'rsp']);
    expect(commands.SH_INFO_ALL).toEqual([]);
  });

  it('name the missing or mistyped parameter of the real server’s 26 and 41', async () => {
    const engine = new Engine();
    const cases: [string, string][] = [
      ['{"SH_SET":{"tkn":1}}', 'keys'],
      ['{"KV_GET":{}}', 'keys'],
      ['{"KV_FIND":{"path":"$"}}', 'rsp'],
    ];
    for (const [request, missing] of cases) {
      const { status } = summarize(await engine.execute(request));
      expect(status, request).toBe(26);
      expect(parameterProblem(commands, readJson(request), status!)?.missing, request).toEqual([missing]);
    }
    const wrong = '{"KV_GET":{"keys":"greeting"}}';
    const { status } = summarize(await engine.execute(wrong));
    expect(status).toBe(41);
    expect(parameterProblem(commands, readJson(wrong), 41)?.wrongType).toEqual([{ name: 'keys', type: expect.stringMatching(/^array/) }]);
    await engine.close();
  });

  it('check documented types', () => {
    expect(hasDocumentedType(18446744073709551615n, 'token')).toBe(true);
    expect(hasDocumentedType(-1, 'uint')).toBe(false);
    expect(hasDocumentedType('1', 'token')).toBe(false);
    expect(hasDocumentedType([], 'array of strings')).toBe(true);
    expect(hasDocumentedType({}, 'array')).toBe(false);
    expect(hasDocumentedType(true, 'bool')).toBe(true);
    expect(parameterProblem(commands, readJson('{"SH_SET":{"tkn":1,"keys":{}}}'), 26)).toBeUndefined();
    expect(parameterProblem(commands, readJson('not json'), 26)).toBeUndefined();
  });
});
