// Shared setup of the config tests: a file system in memory, so every case states exactly what
// exists, and the two ways a resolution ends (a config, or one line of error).
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { resolveConfig, type ConfigFs, type ResolvedConfig } from './config.js';

export const DEFAULT_JSONC = readFileSync(new URL('./fixtures/default.jsonc', import.meta.url), 'utf8');

export interface World {
  env?: Record<string, string>;
  /** Files by absolute path. */
  files?: Record<string, string>;
  /** Existing directories (absolute). */
  dirs?: string[];
  /** Directories that exist but refuse new files. */
  readOnly?: string[];
  cwd?: string;
}

/** A file system in memory, so every case states exactly what exists. */
export function memoryFs(world: World): ConfigFs {
  return {
    readFile(path) {
      const text = world.files?.[path];
      if (text !== undefined) return text;
      if (world.dirs?.includes(path)) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    },
    isDirectory: (path) => world.dirs?.includes(path) === true || world.readOnly?.includes(path) === true,
    probeWritable(dir) {
      if (world.readOnly?.includes(dir)) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    },
  };
}

function resolveIn(argv: string[], world: World = {}) {
  return resolveConfig({ argv, env: world.env ?? {}, cwd: world.cwd ?? '/srv', fs: memoryFs(world) });
}

export function configOf(argv: string[], world: World = {}): ResolvedConfig {
  const result = resolveIn(argv, world);
  if (result.kind !== 'config') throw new Error(`expected a config, got ${JSON.stringify(result)}`);
  return result.config;
}

/** The one line printed for a bad setting. */
export function errorOf(argv: string[], world: World = {}): string {
  const result = resolveIn(argv, world);
  if (result.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  expect(result.error.message).not.toMatch(/\n/);
  expect(result.error.message).toMatch(/^config error: /);
  return result.error.message;
}

/** A v5 config file with the given members changed (undefined deletes one). */
export function file(changes: Record<string, unknown> = {}): string {
  const base: Record<string, unknown> = {
    version: 5,
    ip: '127.0.0.1',
    port: 1987,
    maxPayload: 1024,
    core: 0,
    persist: { enabled: false, path: './data' },
  };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete base[key];
    else base[key] = value;
  }
  return JSON.stringify(base);
}

export const withFile = (text: string, extra: World = {}): World => ({ ...extra, files: { '/srv/nemesis.json': text, ...extra.files } });
