import { stripVTControlCharacters } from 'node:util';
import { JsonDouble, formatDouble } from '@nemesisdb/protocol';
import type { Colors } from './colors.js';

/**
 * Writes a decoded reply as indented JSON that reads back to the same value: integers beyond 2^53
 * (tokens) as their exact digits, doubles with their fraction (`60.0`), strings escaped as JSON
 * does. Colours (when on) tell keys, strings, numbers and literals apart.
 */
export function prettyJson(value: unknown, c: Colors, indent = ''): string {
  if (value === null) return c.dim('null');
  switch (typeof value) {
    case 'string':
      return c.green(JSON.stringify(value));
    case 'bigint':
      return c.yellow(value.toString());
    case 'number':
      return c.yellow(Number.isInteger(value) ? String(value) : formatDouble(value));
    case 'boolean':
      return c.magenta(String(value));
    default:
      break;
  }
  if (value instanceof JsonDouble) return c.yellow(value.toString());
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    // A short list of plain values reads best on one line: ["a", "b"], [1, 2].
    if (value.every((item) => item === null || typeof item !== 'object' || item instanceof JsonDouble)) {
      const flat = `[${value.map((item) => prettyJson(item, c, inner)).join(', ')}]`;
      if (stripVTControlCharacters(flat).length + indent.length <= 72) return flat;
    }
    return `[\n${value.map((item) => inner + prettyJson(item, c, inner)).join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '{}';
    const members = entries.map(([key, item]) => `${inner}${c.cyan(JSON.stringify(key))}: ${prettyJson(item, c, inner)}`);
    return `{\n${members.join(',\n')}\n${indent}}`;
  }
  return String(value);
}
