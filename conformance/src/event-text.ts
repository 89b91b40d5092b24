// How a run words what came back from the server, in failure messages: events, closes, long texts.
import type { ConnectionEvent } from './connection.js';

export function describeEvent(event: ConnectionEvent, timeoutMs: number): string {
  if (event.type === 'timeout') return `nothing within ${timeoutMs} ms`;
  if (event.type === 'close') return `the connection closed (${describeClose(event)})`;
  return `a reply: ${clip(event.text)}`;
}

export function describeClose(event: { code: number; reason: string }): string {
  return `code ${event.code}${event.reason ? ` "${event.reason}"` : ''}`;
}

export function clip(text: string): string {
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}
