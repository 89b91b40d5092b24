// `@nemesisdb/client/wire` is the SDK's own wire and backoff, reachable without the protocol.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { reconnectDelay as clientDelay } from './backoff.js';
import * as wire from './wire-layer.js';

const here = dirname(fileURLToPath(import.meta.url));

function importsOf(file: string, seen = new Set<string>()): Set<string> {
  const packages = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const [, specifier] of readFileSync(path, 'utf8').matchAll(/^(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)) {
      if (specifier!.startsWith('.')) visit(join(dirname(path), specifier!.replace(/\.js$/, '.ts')));
      else packages.add(specifier!);
    }
  };
  visit(file);
  return packages;
}

describe('@nemesisdb/client/wire', () => {
  it('is the SDK’s backoff and wire factory', () => {
    expect(wire.reconnectDelay).toBe(clientDelay);
    const policy = wire.reconnectPolicy({ initialDelayMs: 100, maxDelayMs: 1000, jitter: 0 });
    expect([1, 2, 3, 4, 5].map((attempt) => wire.reconnectDelay(attempt, policy))).toEqual([100, 200, 400, 800, 1000]);
    expect(wire.withTokenParameter('ws://127.0.0.1:1987/', 'a b')).toBe('ws://127.0.0.1:1987/?token=a+b');
  });

  it('imports no package: neither the protocol nor zod come with it', () => {
    expect([...importsOf(join(here, 'wire-layer.ts'))]).toEqual([]);
    expect(importsOf(join(here, 'index.ts')).has('@nemesisdb/protocol')).toBe(true);
  });
});
