// `npx nemesisdb` and `npx nemesisdb-cli` as users get them: every workspace package they need is
// packed with `pnpm pack` (which turns `workspace:^` into a version range, keeps only `files`) and
// unpacked into a fresh node_modules, as `npm install <tarballs>` lays them out. Their third-party
// dependencies are linked from the workspace's installed copies instead of being downloaded, so
// the test needs no registry; a file missing from a tarball, a bin path or shebang that is wrong,
// or a dependency used but declared by none of these packages fails here.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from './app-server.test-util.js';
import { STACK_TRACE, runScript } from './cli-process.test-util.js';

const WORKSPACE = fileURLToPath(new URL('../../../', import.meta.url));
/** The packages `nemesisdb` and `nemesisdb-cli` install, by their folder in the workspace. */
const PACKAGES = [
  'packages/protocol',
  'packages/engine',
  'packages/server',
  'packages/store-redis',
  'packages/console',
  'packages/client',
  'packages/cli',
  'apps/server',
];

interface Manifest {
  name: string;
  version: string;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
}

/** How to run pnpm: the one running these tests (`npm_execpath`), else one on the PATH. */
function pnpmCommand(): string[] | null {
  const execPath = process.env.npm_execpath;
  if (execPath !== undefined && /pnpm/.test(execPath)) return [process.execPath, execPath];
  return spawnSync('pnpm', ['--version']).status === 0 ? ['pnpm'] : null;
}

const pnpm = pnpmCommand();
const reason = pnpm === null ? ' (skipped: pnpm is neither running these tests nor on the PATH)' : '';

describe.skipIf(pnpm === null && !process.env.CI)(`the packed tarballs, installed as npm would${reason}`, () => {
  let root = '';
  const manifests = new Map<string, Manifest>();

  beforeAll(() => {
    if (pnpm === null) throw new Error('pnpm is needed to pack the workspace packages (run the tests with pnpm)');
    root = mkdtempSync(join(tmpdir(), 'nemesisdb-packed-'));
    const tarballs = join(root, 'tarballs');
    const modules = join(root, 'node_modules');
    mkdirSync(tarballs);
    const [command, ...prefix] = pnpm;
    for (const folder of PACKAGES) {
      const before = new Set(readdirSync(tarballs));
      execFileSync(command!, [...prefix, 'pack', '--pack-destination', tarballs], { cwd: join(WORKSPACE, folder), stdio: 'pipe' });
      const tarball = readdirSync(tarballs).find((file) => !before.has(file))!;
      const manifest = JSON.parse(
        execFileSync('tar', ['-xOzf', join(tarballs, tarball), 'package/package.json'], { encoding: 'utf8' }),
      ) as Manifest;
      const target = join(modules, manifest.name);
      mkdirSync(target, { recursive: true });
      execFileSync('tar', ['-xzf', join(tarballs, tarball), '-C', target, '--strip-components=1']);
      manifests.set(manifest.name, manifest);
    }
    // Third-party dependencies: the workspace's installed copy, linked where npm would put it.
    for (const [folder, manifest] of PACKAGES.map((folder) => [folder, readManifest(folder)] as const)) {
      for (const dependency of Object.keys(manifest.dependencies ?? {})) {
        if (manifests.has(dependency) || existsSync(join(modules, dependency))) continue;
        mkdirSync(dirname(join(modules, dependency)), { recursive: true });
        symlinkSync(realpathSync(join(WORKSPACE, folder, 'node_modules', dependency)), join(modules, dependency), 'dir');
      }
    }
  }, 120_000);

  afterAll(() => {
    if (root !== '') rmSync(root, { recursive: true, force: true });
  });

  it('declare version ranges, not workspace links, for each other', () => {
    for (const manifest of manifests.values()) {
      for (const [dependency, range] of Object.entries(manifest.dependencies ?? {})) {
        if (!dependency.startsWith('@nemesisdb/')) continue;
        expect(range, `${manifest.name} → ${dependency}`).toBe(`^${manifests.get(dependency)!.version}`);
      }
    }
  });

  it('start the server (npx nemesisdb) and talk to it with the CLI (npx nemesisdb-cli): exact integers, a clear error when none listens', async () => {
    const server = binOf(root, manifests.get('nemesisdb')!, 'nemesisdb');
    const cli = binOf(root, manifests.get('@nemesisdb/cli')!, 'nemesisdb-cli');
    for (const bin of [server, cli]) expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n'), bin).toBe(true);

    // The packed app, started as the workspace's is (test-utils' startApp: stopped by every test run).
    const app = await startApp({ cli: server });
    try {
      const set = await runScript(cli, ['--raw', '-u', app.url, 'KV_SET', '{"keys":{"packed":18446744073709551615}}'], { cwd: root });
      expect(set).toMatchObject({ code: 0, stdout: '{"KV_SET_RSP":{"st":1}}\n' });
      const get = await runScript(cli, ['--raw', '-u', app.url, 'KV_GET', '{"keys":["packed"]}'], { cwd: root });
      expect(get.stdout).toBe('{"KV_GET_RSP":{"keys":{"packed":18446744073709551615},"st":1}}\n');
      const version = await runScript(cli, ['--version'], { cwd: root });
      expect(version).toMatchObject({ code: 0, stdout: `${manifests.get('@nemesisdb/cli')!.version}\n` });
    } finally {
      await app.stop();
    }
    const refused = await runScript(cli, ['-u', 'ws://127.0.0.1:9', 'SV_INFO'], { cwd: root });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/could not connect/);
    expect(refused.stderr).not.toMatch(STACK_TRACE);
  }, 60_000);
});

function readManifest(folder: string): Manifest {
  return JSON.parse(readFileSync(join(WORKSPACE, folder, 'package.json'), 'utf8')) as Manifest;
}

/** The file a package's `bin` entry names, inside the unpacked package. */
function binOf(root: string, manifest: Manifest, name: string): string {
  const path = manifest.bin?.[name];
  if (path === undefined) throw new Error(`${manifest.name} has no bin "${name}"`);
  return join(root, 'node_modules', manifest.name, path);
}
