// The parameters of each command, read from its page in docs/commands/ (the "Request" table), so
// that the console can say *which* parameter a 26 (ParamMissing) or 41 (ValueTypeInvalid) is
// about: the server only says "Missing parameter" / "Param type incorrect", as v0.7.4 does. The
// table is read at build time (tsup.config.ts) and bundled as data; the page never loads zod's
// schemas for this. Pure functions, tested in Node against the real docs.

import { JsonDouble, type ExactJsonObject, type ExactJsonValue } from '@nemesisdb/protocol/codec';

/** One top-level request parameter: `[name, documented type, required]`. */
export type Parameter = readonly [name: string, type: string, required: boolean];

/** Command name → its top-level parameters, in the order the docs list them. */
export type CommandParameters = Readonly<Record<string, readonly Parameter[]>>;

/** The command a docs page describes (`# SH_INFO — …`), or `undefined`. */
function titleCommand(markdown: string): string | undefined {
  return /^# ([A-Z]{2}_[A-Z_]+)\b/m.exec(markdown)?.[1];
}

/** Reads the "Request" table of a command's page; `undefined` for a page that is not a command's. */
export function parseCommandDoc(markdown: string): { command: string; parameters: Parameter[] } | undefined {
  const command = titleCommand(markdown);
  if (command === undefined) return undefined;
  const section = /^## Request\s*$([\s\S]*?)(?=^## )/m.exec(markdown)?.[1] ?? '';
  const parameters: Parameter[] = [];
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    // | `name` | type | yes/no … | meaning |
    const name = /^`([A-Za-z]+)`$/.exec(cells[1] ?? '')?.[1];
    if (name === undefined || cells.length < 5) continue; // nested (`expiry.duration`) and header rows
    parameters.push([name, cells[2]!, /^yes\b/.test(cells[3]!)]);
  }
  return { command, parameters };
}

function isObject(value: ExactJsonValue | undefined): value is ExactJsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonDouble);
}

/** Whether a value has a documented type (`token`, `uint`, `object`, `array`, `string`, `bool`, …). */
export function hasDocumentedType(value: ExactJsonValue, type: string): boolean {
  const integer = (typeof value === 'number' && Number.isInteger(value)) || typeof value === 'bigint';
  const kind = type.toLowerCase();
  if (kind.startsWith('token') || kind.startsWith('uint')) return integer && value >= 0;
  if (kind.startsWith('int')) return integer;
  if (kind.startsWith('object')) return isObject(value);
  if (kind.startsWith('array')) return Array.isArray(value);
  if (kind.startsWith('string')) return typeof value === 'string';
  if (kind.startsWith('bool')) return typeof value === 'boolean';
  return true; // "any JSON value" and the like
}

/** What the docs say about a 26 or 41 for this request: the parameters missing, or of the wrong type. */
export function parameterProblem(
  table: CommandParameters,
  request: ExactJsonValue | undefined,
  status: number,
): { command: string; missing: string[]; wrongType: { name: string; type: string }[] } | undefined {
  if (!isObject(request)) return undefined;
  const names = Object.keys(request);
  const command = names.length === 1 ? names[0]! : undefined;
  if (command === undefined) return undefined;
  const parameters = table[command];
  const body = request[command];
  if (parameters === undefined || !isObject(body)) return undefined;
  if (status === 26) {
    const missing = parameters.filter(([name, , required]) => required && !(name in body)).map(([name]) => name);
    return missing.length === 0 ? undefined : { command, missing, wrongType: [] };
  }
  if (status === 41) {
    const wrongType = parameters
      .filter(([name, type]) => name in body && !hasDocumentedType(body[name] as ExactJsonValue, type))
      .map(([name, type]) => ({ name, type }));
    return wrongType.length === 0 ? undefined : { command, missing: [], wrongType };
  }
  return undefined;
}

/** The docs page of a command, relative to the console: `docs/commands/sh-info.md`. */
export function docsPath(command: string): string {
  return `docs/commands/${command.toLowerCase().replaceAll('_', '-')}.md`;
}
