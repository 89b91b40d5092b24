import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VERSION, parseArgs } from './args.js';
import { resolveConfig } from './config.js';
import { DEFAULT_JSONC, configOf, errorOf, file, withFile } from './config.test-util.js';

describe('defaults', () => {
  it('runs with no arguments on the embedded defaults', () => {
    expect(configOf([])).toEqual({
      host: '127.0.0.1',
      port: 1987,
      maxPayload: 1024 * 1024,
      maxConnections: 10_000,
      maxBufferedBytes: 4 * 1024 * 1024,
      maxDataBytes: undefined,
      authTokens: [],
      tls: undefined,
      allowedOrigins: undefined,
      console: true,
      extensions: true,
      store: { type: 'memory' },
      core: 0,
      persist: { enabled: false, path: '/srv/data', journal: undefined },
      logLevel: 'info',
      configFile: undefined,
      load: undefined,
    });
  });

  it('does not check the persist directory while persistence is off', () => {
    expect(configOf([], { dirs: [] }).persist).toEqual({ enabled: false, path: '/srv/data', journal: undefined });
  });
});

describe('config file', () => {
  it("accepts upstream's shipped default.jsonc (comments included)", () => {
    const config = configOf(['--config', 'default.jsonc'], { files: { '/srv/default.jsonc': DEFAULT_JSONC } });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 1987,
      maxPayload: 1024,
      core: 0,
      persist: { enabled: false, path: '/srv/data', journal: undefined },
      configFile: '/srv/default.jsonc',
    });
  });

  it('reads --config=FILE (upstream spelling) like --config FILE', () => {
    const world = withFile(file({ port: 2000 }));
    expect(configOf(['--config=nemesis.json'], world).port).toBe(2000);
    expect(configOf(['--config', 'nemesis.json'], world).port).toBe(2000);
    expect(configOf(['--config', '/srv/nemesis.json'], { ...world, cwd: '/elsewhere' }).configFile).toBe('/srv/nemesis.json');
  });

  it('accepts // and /* */ comments anywhere, and a byte order mark', () => {
    const text = `\uFEFF// leading\n{ /* a */ "version": 5, // v\n "ip": "0.0.0.0", "port": /* inline */ 4000, "maxPayload": 8192,\n "persist": {"enabled": false, "path": "./x"} }\n// trailing`;
    expect(configOf(['--config', 'nemesis.json'], withFile(text))).toMatchObject({ host: '0.0.0.0', port: 4000, maxPayload: 8192 });
  });

  it('takes a comment after the root value, but not a "//" inside a string', () => {
    const text = `{"version":5,"ip":"localhost","port":1,"maxPayload":64,"persist":{"enabled":false,"path":"a//b/*c*/"}} // end\n/* really */\n`;
    expect(configOf(['--config', 'nemesis.json'], withFile(text)).persist.path).toBe('/srv/a/b/*c*');
    expect(errorOf(['--config', 'nemesis.json'], withFile(`${file()}/* x`))).toMatch(/is not valid JSON/);
  });

  it('ignores unknown keys (sessionsEnabled from 0.6 configs, nested extras)', () => {
    const text = file({ sessionsEnabled: true, future: { a: 1 }, persist: { enabled: false, path: './data', extra: 1 } });
    expect(configOf(['--config', 'nemesis.json'], withFile(text)).port).toBe(1987);
  });

  it('defaults core to 0 when missing (upstream crashes, §14 D14) and ignores its value otherwise', () => {
    expect(configOf(['--config', 'nemesis.json'], withFile(file({ core: undefined }))).core).toBe(0);
    expect(configOf(['--config', 'nemesis.json'], withFile(file({ core: 3 }))).core).toBe(3);
  });

  it('accepts maxPayload from 64 up to 64 MiB, beyond upstream 8192 (§14 D21)', () => {
    expect(configOf(['--config', 'nemesis.json'], withFile(file({ maxPayload: 64 }))).maxPayload).toBe(64);
    expect(configOf(['--config', 'nemesis.json'], withFile(file({ maxPayload: 67108864 }))).maxPayload).toBe(67108864);
  });

  it('resolves persist.path against the working directory, not the file', () => {
    const world = {
      cwd: '/work',
      files: { '/etc/ndb/nemesis.json': file({ persist: { enabled: true, path: 'store' } }) },
      dirs: ['/work/store'],
    };
    expect(configOf(['--config', '/etc/ndb/nemesis.json'], world).persist).toEqual({
      enabled: true,
      path: '/work/store',
      journal: undefined,
    });
  });

  it('port 0 is allowed (a free port)', () => {
    expect(configOf(['--config', 'nemesis.json'], withFile(file({ port: 0 }))).port).toBe(0);
  });
});

describe('start-up load arguments (upstream --loadName / --loadPath)', () => {
  it('accepts the camelCase spellings with = and passes them through', () => {
    expect(configOf(['--loadName=sessions', '--loadPath=saves'], { dirs: ['/srv/saves'] }).load).toEqual({
      name: 'sessions',
      path: '/srv/saves',
    });
    expect(configOf(['--loadName', 'sessions', '--loadPath', '/abs'], { dirs: ['/abs'] }).load).toEqual({ name: 'sessions', path: '/abs' });
  });

  it('defaults the load path to the persist path', () => {
    expect(configOf(['--loadName=kv', '--persist-path', 'p']).load).toEqual({ name: 'kv', path: '/srv/p' });
  });
});

describe('--help and --version', () => {
  it('prints help listing every flag, upstream spellings included, and exits 0', () => {
    const result = resolveConfig({ argv: ['--help'] });
    expect(result.kind).toBe('exit');
    if (result.kind !== 'exit') return;
    expect(result.code).toBe(0);
    for (const flag of [
      '--host',
      '--port',
      '--max-payload',
      '--max-connections',
      '--persist-path',
      '--persist-enabled',
      '--config',
      '--loadName',
      '--loadPath',
      '--log-level',
      '--version',
      'NEMESISDB_PORT',
    ]) {
      expect(result.output).toContain(flag);
    }
  });

  it('prints the version', () => {
    expect(resolveConfig({ argv: ['--version'] })).toEqual({ kind: 'exit', code: 0, output: `${VERSION}\n` });
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('parseArgs', () => {
  it('keeps only the flags given', () => {
    expect(parseArgs([])).toEqual({ kind: 'flags', flags: {} });
    expect(parseArgs(['--port', '1', '--loadName=a'])).toEqual({ kind: 'flags', flags: { port: '1', loadName: 'a' } });
    expect(parseArgs(['--no-persist-enabled'])).toEqual({ kind: 'flags', flags: { persistEnabled: false } });
  });

  it('does not share state between calls', () => {
    parseArgs(['--port', '1']);
    expect(parseArgs([])).toEqual({ kind: 'flags', flags: {} });
  });
});

describe('with the real file system', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('reads a config file and probes the persist directory, leaving nothing behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nemesisdb-config-'));
    dirs.push(dir);
    const store = join(dir, 'store');
    const path = join(dir, 'nemesis.jsonc');
    writeFileSync(path, `// test\n${file({ persist: { enabled: true, path: 'store' } })}`);
    expect(resolveConfig({ argv: ['--config', path], cwd: dir }).kind).toBe('error'); // store does not exist yet
    mkdirSync(store);
    const result = resolveConfig({ argv: ['--config', path], cwd: dir });
    expect(result).toMatchObject({ kind: 'config', config: { persist: { enabled: true, path: store } } });
    expect(readdirSync(store)).toEqual([]);
  });
});
