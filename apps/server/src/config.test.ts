import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VERSION, parseArgs } from './args.js';
import { resolveConfig, type ConfigFs, type ResolvedConfig } from './config.js';

const DEFAULT_JSONC = readFileSync(new URL('./fixtures/default.jsonc', import.meta.url), 'utf8');

interface World {
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
function memoryFs(world: World): ConfigFs {
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

function configOf(argv: string[], world: World = {}): ResolvedConfig {
  const result = resolveIn(argv, world);
  if (result.kind !== 'config') throw new Error(`expected a config, got ${JSON.stringify(result)}`);
  return result.config;
}

/** The one line printed for a bad setting. */
function errorOf(argv: string[], world: World = {}): string {
  const result = resolveIn(argv, world);
  if (result.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  expect(result.error.message).not.toMatch(/\n/);
  expect(result.error.message).toMatch(/^config error: /);
  return result.error.message;
}

/** A v5 config file with the given members changed (undefined deletes one). */
function file(changes: Record<string, unknown> = {}): string {
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

const withFile = (text: string, extra: World = {}): World => ({ ...extra, files: { '/srv/nemesis.json': text, ...extra.files } });

describe('defaults', () => {
  it('runs with no arguments on the embedded defaults', () => {
    expect(configOf([])).toEqual({
      host: '127.0.0.1',
      port: 1987,
      maxPayload: 1024 * 1024,
      maxConnections: 10_000,
      maxBufferedBytes: 4 * 1024 * 1024,
      maxDataBytes: null,
      authTokens: [],
      tls: null,
      allowedOrigins: null,
      console: true,
      extensions: true,
      store: { type: 'memory' },
      core: 0,
      persist: { enabled: false, path: '/srv/data', journal: null },
      logLevel: 'info',
      configFile: null,
      load: null,
    });
  });

  it('does not check the persist directory while persistence is off', () => {
    expect(configOf([], { dirs: [] }).persist).toEqual({ enabled: false, path: '/srv/data', journal: null });
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
      persist: { enabled: false, path: '/srv/data', journal: null },
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
    expect(configOf(['--config', '/etc/ndb/nemesis.json'], world).persist).toEqual({ enabled: true, path: '/work/store', journal: null });
  });

  it('port 0 is allowed (a free port)', () => {
    expect(configOf(['--config', 'nemesis.json'], withFile(file({ port: 0 }))).port).toBe(0);
  });
});

describe('precedence: defaults < file < environment < flags', () => {
  const world: World = {
    files: { '/srv/nemesis.json': file({ ip: '10.0.0.1', port: 1000, maxPayload: 100, persist: { enabled: false, path: 'from-file' } }) },
    dirs: ['/srv/from-env', '/srv/from-flag', '/srv/from-file'],
  };
  const env = {
    NEMESISDB_HOST: '10.0.0.2',
    NEMESISDB_PORT: '2000',
    NEMESISDB_MAX_PAYLOAD: '200',
    NEMESISDB_MAX_CONNECTIONS: '20',
    NEMESISDB_PERSIST_ENABLED: 'true',
    NEMESISDB_PERSIST_PATH: 'from-env',
    NEMESISDB_LOG_LEVEL: 'warn',
  };
  const flags = [
    '--host',
    '10.0.0.3',
    '--port',
    '3000',
    '--max-payload',
    '300',
    '--max-connections',
    '30',
    '--no-persist-enabled',
    '--persist-path',
    'from-flag',
    '--log-level',
    'debug',
  ];

  it('the file beats the defaults', () => {
    expect(configOf(['--config', 'nemesis.json'], world)).toMatchObject({
      host: '10.0.0.1',
      port: 1000,
      maxPayload: 100,
      maxConnections: 10_000,
      persist: { enabled: false, path: '/srv/from-file', journal: null },
      logLevel: 'info',
    });
  });

  it('the environment beats the file', () => {
    expect(configOf(['--config', 'nemesis.json'], { ...world, env })).toMatchObject({
      host: '10.0.0.2',
      port: 2000,
      maxPayload: 200,
      maxConnections: 20,
      persist: { enabled: true, path: '/srv/from-env', journal: null },
      logLevel: 'warn',
    });
  });

  it('flags beat the environment', () => {
    expect(configOf(['--config', 'nemesis.json', ...flags], { ...world, env })).toMatchObject({
      host: '10.0.0.3',
      port: 3000,
      maxPayload: 300,
      maxConnections: 30,
      persist: { enabled: false, path: '/srv/from-flag', journal: null },
      logLevel: 'debug',
    });
  });

  it('layers mix per setting', () => {
    const config = configOf(['--config', 'nemesis.json', '--port', '3000'], { ...world, env: { NEMESISDB_MAX_PAYLOAD: '200' } });
    expect(config).toMatchObject({ host: '10.0.0.1', port: 3000, maxPayload: 200, maxConnections: 10_000 });
  });

  it('--persist-enabled turns persistence on over a file that turns it off', () => {
    expect(configOf(['--config', 'nemesis.json', '--persist-enabled'], world).persist).toEqual({
      enabled: true,
      path: '/srv/from-file',
      journal: null,
    });
  });

  it('an empty environment variable counts as unset', () => {
    expect(configOf([], { env: { NEMESISDB_PORT: '', NEMESISDB_HOST: '' } })).toMatchObject({ port: 1987, host: '127.0.0.1' });
  });

  it('reads booleans in the environment as true/false, 1/0, yes/no, on/off', () => {
    const on = (text: string) => configOf([], { env: { NEMESISDB_PERSIST_ENABLED: text }, dirs: ['/srv/data'] }).persist.enabled;
    expect(['true', 'TRUE', '1', 'yes', 'on'].map(on)).toEqual([true, true, true, true, true]);
    expect(['false', '0', 'no', 'off'].map(on)).toEqual([false, false, false, false]);
  });

  it('ignores environment variables outside NEMESISDB_*', () => {
    expect(configOf([], { env: { PORT: '1', HOST: 'x' } })).toMatchObject({ port: 1987, host: '127.0.0.1' });
  });

  it('accepts IPv6 addresses and host names', () => {
    expect(configOf(['--host', '::1']).host).toBe('::1');
    expect(configOf(['--host', 'localhost']).host).toBe('localhost');
    expect(configOf(['--host=0.0.0.0']).host).toBe('0.0.0.0');
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

describe('one clear line per problem', () => {
  const cfg = (changes: Record<string, unknown>, world: World = {}) =>
    errorOf(['--config', 'nemesis.json'], withFile(file(changes), world));

  it.each([
    [{ maxPayload: 10 }, 'config error: maxPayload must be an integer from 64 to 67108864 (got 10)'],
    [{ maxPayload: 67108865 }, 'config error: maxPayload must be an integer from 64 to 67108864 (got 67108865)'],
    [{ maxPayload: '1024' }, 'config error: maxPayload must be an integer from 64 to 67108864 (got "1024")'],
    [{ maxPayload: undefined }, 'config error: maxPayload is missing from the config file (it must be an integer from 64 to 67108864)'],
    [{ version: 4 }, 'config error: version must be 5 (the config version this server reads) (got 4)'],
    [{ version: undefined }, 'config error: version is missing from the config file (it must be 5 (the config version this server reads))'],
    [{ ip: 5 }, 'config error: ip must be an IPv4 or IPv6 address or a host name (got 5)'],
    [{ ip: 'not a host' }, 'config error: ip must be an IPv4 or IPv6 address or a host name (got "not a host")'],
    [{ ip: undefined }, 'config error: ip is missing from the config file (it must be an IPv4 or IPv6 address or a host name)'],
    [{ port: 65536 }, 'config error: port must be an integer from 0 to 65535 (got 65536)'],
    [{ port: -1 }, 'config error: port must be an integer from 0 to 65535 (got -1)'],
    [{ port: 1.5 }, 'config error: port must be an integer from 0 to 65535 (got 1.5)'],
    [{ port: null }, 'config error: port must be an integer from 0 to 65535 (got null)'],
    [{ core: -1 }, 'config error: core must be a non-negative integer (got -1)'],
    [{ core: '0' }, 'config error: core must be a non-negative integer (got "0")'],
    [{ persist: undefined }, 'config error: persist is missing from the config file (it must be an object with "enabled" and "path")'],
    [{ persist: true }, 'config error: persist must be an object with "enabled" and "path" (got true)'],
    [{ persist: { path: './data' } }, 'config error: persist.enabled is missing from the config file (it must be true or false)'],
    [{ persist: { enabled: 'yes', path: './data' } }, 'config error: persist.enabled must be true or false (got "yes")'],
    [{ persist: { enabled: false, path: 5 } }, 'config error: persist.path must be a string (got 5)'],
    [{ persist: { enabled: false, path: ['a'] } }, 'config error: persist.path must be a string (got an array)'],
  ])('file %j → %s', (changes, line) => {
    expect(cfg(changes)).toBe(line);
  });

  it('reports the version before any other key', () => {
    expect(cfg({ version: 6, port: 'x', maxPayload: 1 })).toBe(
      'config error: version must be 5 (the config version this server reads) (got 6)',
    );
  });

  it('refuses uint settings written as doubles or beyond 2^53, as upstream does', () => {
    const text = (value: string) =>
      `{"version":5,"ip":"127.0.0.1","port":1987,"maxPayload":${value},"persist":{"enabled":false,"path":""}}`;
    expect(errorOf(['--config', 'nemesis.json'], withFile(text('1024.0')))).toBe(
      'config error: maxPayload must be an integer from 64 to 67108864 (got 1024.0)',
    );
    expect(errorOf(['--config', 'nemesis.json'], withFile(text('18446744073709551616')))).toBe(
      'config error: maxPayload must be an integer from 64 to 67108864 (got 18446744073709551616)',
    );
  });

  it('shortens long values', () => {
    expect(cfg({ ip: 'x '.repeat(100) })).toMatch(/\(got "x x x .*\.\.\.\)$/);
  });

  it('names the file when it cannot be read or is not a JSON object', () => {
    expect(errorOf(['--config', 'missing.json'])).toBe('config error: cannot read config file /srv/missing.json: no such file');
    expect(errorOf(['--config', 'dir'], { dirs: ['/srv/dir'] })).toBe('config error: cannot read config file /srv/dir: it is a directory');
    expect(errorOf(['--config', 'nemesis.json'], withFile('[1,2]'))).toBe(
      'config error: config file /srv/nemesis.json must hold a JSON object (got an array)',
    );
    expect(errorOf(['--config', 'nemesis.json'], withFile('5'))).toBe(
      'config error: config file /srv/nemesis.json must hold a JSON object (got 5)',
    );
  });

  it.each(['{', '{"version":5,}', '', 'version = 5', '{"a":1}\n{"b":2}'])('invalid JSON %j is one line naming the file', (text) => {
    expect(errorOf(['--config', 'nemesis.json'], withFile(text))).toMatch(
      /^config error: config file \/srv\/nemesis\.json is not valid JSON: \S/,
    );
  });

  it.each([
    [{ NEMESISDB_PORT: 'abc' }, 'config error: NEMESISDB_PORT must be an integer from 0 to 65535 (got "abc")'],
    [{ NEMESISDB_PORT: '70000' }, 'config error: NEMESISDB_PORT must be an integer from 0 to 65535 (got 70000)'],
    [{ NEMESISDB_PORT: '-5' }, 'config error: NEMESISDB_PORT must be an integer from 0 to 65535 (got "-5")'],
    [{ NEMESISDB_MAX_PAYLOAD: '10' }, 'config error: NEMESISDB_MAX_PAYLOAD must be an integer from 64 to 67108864 (got 10)'],
    [{ NEMESISDB_MAX_CONNECTIONS: '0' }, 'config error: NEMESISDB_MAX_CONNECTIONS must be an integer from 1 to 1000000 (got 0)'],
    [{ NEMESISDB_PERSIST_ENABLED: 'maybe' }, 'config error: NEMESISDB_PERSIST_ENABLED must be true or false (got "maybe")'],
    [
      { NEMESISDB_LOG_LEVEL: 'loud' },
      'config error: NEMESISDB_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ],
    [{ NEMESISDB_HOST: 'a b' }, 'config error: NEMESISDB_HOST must be an IPv4 or IPv6 address or a host name (got "a b")'],
  ])('environment %j → %s', (env, line) => {
    expect(errorOf([], { env })).toBe(line);
  });

  it.each([
    [['--port', '65536'], 'config error: --port must be an integer from 0 to 65535 (got 65536)'],
    [['--port=-1'], 'config error: --port must be an integer from 0 to 65535 (got "-1")'],
    [['--port', '80x'], 'config error: --port must be an integer from 0 to 65535 (got "80x")'],
    [['--max-payload', '63'], 'config error: --max-payload must be an integer from 64 to 67108864 (got 63)'],
    [['--max-connections', '0'], 'config error: --max-connections must be an integer from 1 to 1000000 (got 0)'],
    [['--log-level', 'verbose'], 'config error: --log-level must be one of fatal, error, warn, info, debug, trace, silent (got "verbose")'],
    [['--host', ''], 'config error: --host must be an IPv4 or IPv6 address or a host name (got "")'],
    [['--loadPath=/data'], 'config error: --loadPath needs --loadName (the dataset to load from that directory)'],
    [['--loadName=..'], 'config error: --loadName must be a dataset name: not empty, not "." or "..", without "/", "\\" or NUL (got "..")'],
    [
      ['--loadName=a/b'],
      'config error: --loadName must be a dataset name: not empty, not "." or "..", without "/", "\\" or NUL (got "a/b")',
    ],
    [
      ['--loadName=x', '--loadPath=nope'],
      'config error: --loadPath must be an existing directory (got "nope": it does not exist or is not a directory)',
    ],
    [['--prot', '1'], "config error: unknown option '--prot' (Did you mean --port?) (see --help)"],
    [['serve'], 'config error: too many arguments. Expected 0 arguments but got 1. (see --help)'],
    [['--port'], "config error: option '--port <port>' argument missing (see --help)"],
  ])('flags %j → %s', (argv, line) => {
    expect(errorOf(argv)).toBe(line);
  });

  it('requires an existing writable persist directory when persistence is enabled, naming the key that set it', () => {
    expect(cfg({ persist: { enabled: true, path: './nope' } })).toBe(
      'config error: persist.path must be an existing writable directory when persistence is enabled (got "./nope": it does not exist or is not a directory)',
    );
    expect(cfg({ persist: { enabled: true, path: '' } })).toBe(
      'config error: persist.path must be an existing writable directory when persistence is enabled (got "": it is empty)',
    );
    expect(cfg({ persist: { enabled: true, path: 'ro' } }, { readOnly: ['/srv/ro'] })).toBe(
      'config error: persist.path must be an existing writable directory when persistence is enabled (got "ro": it is not writable: EACCES)',
    );
    expect(errorOf(['--persist-enabled', '--persist-path', 'gone'])).toBe(
      'config error: --persist-path must be an existing writable directory when persistence is enabled (got "gone": it does not exist or is not a directory)',
    );
    expect(errorOf([], { env: { NEMESISDB_PERSIST_ENABLED: '1' } })).toBe(
      'config error: persist.path must be an existing writable directory when persistence is enabled (got "./data": it does not exist or is not a directory)',
    );
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

describe('the journal setting (beyond upstream)', () => {
  const world: World = { cwd: '/srv', files: {}, dirs: ['/srv/data'] };

  it('is off by default and set by flag, env or file, in that order of precedence', () => {
    expect(configOf([], world).persist.journal).toBeNull();
    expect(configOf(['--persist-enabled', '--journal', 'always'], world).persist.journal).toBe('always');
    expect(configOf(['--persist-enabled'], { ...world, env: { NEMESISDB_JOURNAL: 'everysec' } }).persist.journal).toBe('everysec');
    expect(configOf(['--persist-enabled', '--journal', 'no'], { ...world, env: { NEMESISDB_JOURNAL: 'always' } }).persist.journal).toBe(
      'no',
    );
    const files = {
      '/srv/n.json': JSON.stringify({
        version: 5,
        ip: '127.0.0.1',
        port: 1,
        maxPayload: 1024,
        persist: { enabled: true, path: 'data', journal: { fsync: 'always' } },
      }),
    };
    expect(configOf(['--config', 'n.json'], { ...world, files }).persist.journal).toBe('always');
    expect(configOf(['--config', 'n.json', '--journal', 'off'], { ...world, files }).persist.journal).toBeNull();
  });

  it.each([
    [
      ['--journal', 'sometimes', '--persist-enabled'],
      'config error: --journal must be "always", "everysec", "no" or "off" (got "sometimes")',
    ],
    [
      ['--journal', 'always'],
      'config error: --journal needs persistence enabled (persist.enabled, --persist-enabled or NEMESISDB_PERSIST_ENABLED)',
    ],
  ])('%j → %s', (argv, message) => {
    expect(errorOf(argv, world)).toBe(message);
  });
});

describe('hardening settings (beyond upstream)', () => {
  const TOKEN = 'a-long-enough-secret-token';
  const fileWith = (extra: Record<string, unknown>) =>
    JSON.stringify({ version: 5, ip: '127.0.0.1', port: 1, maxPayload: 1024, persist: { enabled: false, path: 'data' }, ...extra });

  it('reads tokens from the file, the environment or a token file, never from a flag', () => {
    expect(configOf(['--config', 'n.json'], { files: { '/srv/n.json': fileWith({ auth: { token: TOKEN } }) } }).authTokens).toEqual([
      TOKEN,
    ]);
    expect(configOf([], { env: { NEMESISDB_AUTH_TOKEN: `${TOKEN}, another-long-token-value` } }).authTokens).toEqual([
      TOKEN,
      'another-long-token-value',
    ]);
    expect(configOf(['--auth-token-file', 'tokens'], { files: { '/srv/tokens': `${TOKEN}\n\n` } }).authTokens).toEqual([TOKEN]);
    expect(errorOf(['--auth-token', TOKEN])).toMatch(/unknown option/);
  });

  it('reads the TLS files, and needs both', () => {
    const config = configOf(['--tls-cert', 'c.pem', '--tls-key', 'k.pem'], { files: { '/srv/c.pem': 'CERT', '/srv/k.pem': 'KEY' } });
    expect(config.tls).toEqual({ cert: 'CERT', key: 'KEY', certFile: '/srv/c.pem', keyFile: '/srv/k.pem' });
    expect(errorOf(['--tls-cert', 'c.pem'], { files: { '/srv/c.pem': 'CERT' } })).toBe(
      'config error: tls.key is needed too: TLS takes a certificate and its key',
    );
    expect(errorOf(['--tls-cert', 'nope.pem', '--tls-key', 'k.pem'], { files: { '/srv/k.pem': 'KEY' } })).toBe(
      'config error: --tls-cert must be a path to a readable file (got "nope.pem")',
    );
  });

  it('reads origins, limits and the data ceiling', () => {
    const config = configOf([
      '--allowed-origins',
      'https://a.example.com, http://localhost:3000',
      '--max-data-bytes',
      '1073741824',
      '--max-buffered-bytes',
      '65536',
    ]);
    expect(config.allowedOrigins).toEqual(['https://a.example.com', 'http://localhost:3000']);
    expect(config.maxDataBytes).toBe(1073741824);
    expect(config.maxBufferedBytes).toBe(65536);
  });

  it.each([
    [
      ['--allowed-origins', 'not an origin'],
      'config error: --allowed-origins must be a list of origins such as "https://app.example.com" (got an array)',
    ],
    [['--max-data-bytes', '10'], 'config error: --max-data-bytes must be an integer of at least 1048576 (1 MiB) (got 10)'],
    [['--max-buffered-bytes', '1'], 'config error: --max-buffered-bytes must be an integer from 65536 to 1073741824 (got 1)'],
  ])('%j → %s', (argv, message) => {
    expect(errorOf(argv)).toBe(message);
  });

  it('refuses tokens too short to be secrets', () => {
    expect(errorOf([], { env: { NEMESISDB_AUTH_TOKEN: 'short' } })).toBe(
      'config error: NEMESISDB_AUTH_TOKEN must be a token of at least 16 characters, or a list of them (got an array)',
    );
  });
});

describe('the console setting', () => {
  it('is on by default, off with --no-console, NEMESISDB_CONSOLE=off or "console": false', () => {
    expect(configOf([]).console).toBe(true);
    expect(configOf(['--no-console']).console).toBe(false);
    expect(configOf([], { env: { NEMESISDB_CONSOLE: 'off' } }).console).toBe(false);
    const files = {
      '/srv/n.json': JSON.stringify({
        version: 5,
        ip: '127.0.0.1',
        port: 1,
        maxPayload: 1024,
        console: false,
        persist: { enabled: false, path: 'data' },
      }),
    };
    expect(configOf(['--config', 'n.json'], { files }).console).toBe(false);
  });
});

describe('the extensions setting', () => {
  it('is on by default, off with --no-extensions, NEMESISDB_EXTENSIONS=false or "extensions": false', () => {
    expect(configOf([]).extensions).toBe(true);
    expect(configOf(['--no-extensions']).extensions).toBe(false);
    expect(configOf([], { env: { NEMESISDB_EXTENSIONS: 'false' } }).extensions).toBe(false);
    const files = {
      '/srv/n.json': JSON.stringify({
        version: 5,
        ip: '127.0.0.1',
        port: 1,
        maxPayload: 1024,
        extensions: false,
        persist: { enabled: false, path: 'data' },
      }),
    };
    expect(configOf(['--config', 'n.json'], { files }).extensions).toBe(false);
    // A flag wins over the file.
    const on = {
      '/srv/n.json': JSON.stringify({
        version: 5,
        ip: '127.0.0.1',
        port: 1,
        maxPayload: 1024,
        extensions: true,
        persist: { enabled: false, path: 'data' },
      }),
    };
    expect(configOf(['--config', 'n.json', '--no-extensions'], { files: on }).extensions).toBe(false);
  });

  it('refuses an "extensions" member that is not a bool', () => {
    const files = {
      '/srv/n.json': JSON.stringify({
        version: 5,
        ip: '127.0.0.1',
        port: 1,
        maxPayload: 1024,
        extensions: 'no',
        persist: { enabled: false, path: 'data' },
      }),
    };
    expect(errorOf(['--config', 'n.json'], { files })).toMatch(/^config error: extensions must be true or false/);
  });
});

describe('the store setting', () => {
  const redis = (nodes: { host: string; port: number }[], keyPrefix = 'nemesisdb:', credentials: object | null = null) => ({
    type: 'redis',
    nodes,
    keyPrefix,
    credentials,
  });

  it('is the memory store by default and with --store memory', () => {
    expect(configOf([]).store).toEqual({ type: 'memory' });
    expect(configOf(['--store', 'memory']).store).toEqual({ type: 'memory' });
    expect(configOf(['--config', 'nemesis.json'], withFile(file({ store: { type: 'memory' } }))).store).toEqual({ type: 'memory' });
  });

  it('reads a redis store from the config file: node objects and "host:port" strings, an optional prefix', () => {
    const store = { type: 'redis', nodes: [{ host: '10.0.0.1', port: 7000 }, '10.0.0.2:7001', '[::1]:7002'], keyPrefix: 'app1:' };
    expect(configOf(['--config', 'nemesis.json'], withFile(file({ store }))).store).toEqual(
      redis(
        [
          { host: '10.0.0.1', port: 7000 },
          { host: '10.0.0.2', port: 7001 },
          { host: '::1', port: 7002 },
        ],
        'app1:',
      ),
    );
    const noPrefix = { type: 'redis', nodes: ['r1:7000'] };
    expect(configOf(['--config', 'nemesis.json'], withFile(file({ store: noPrefix }))).store).toEqual(redis([{ host: 'r1', port: 7000 }]));
  });

  it('reads it from flags and environment variables, flags over environment over file', () => {
    expect(configOf(['--store', 'redis', '--redis-nodes', 'a:7000, b:7001', '--redis-key-prefix', 'x:']).store).toEqual(
      redis(
        [
          { host: 'a', port: 7000 },
          { host: 'b', port: 7001 },
        ],
        'x:',
      ),
    );
    const env = { NEMESISDB_STORE: 'REDIS', NEMESISDB_REDIS_NODES: 'e:7000', NEMESISDB_REDIS_KEY_PREFIX: 'env:' };
    expect(configOf([], { env }).store).toEqual(redis([{ host: 'e', port: 7000 }], 'env:'));
    expect(configOf(['--redis-nodes', 'f:7000'], { env }).store).toEqual(redis([{ host: 'f', port: 7000 }], 'env:'));
    const world = withFile(file({ store: { type: 'redis', nodes: ['file:7000'], keyPrefix: 'file:' } }), {
      env: { NEMESISDB_REDIS_NODES: 'e:7000' },
    });
    expect(configOf(['--config', 'nemesis.json'], world).store).toEqual(redis([{ host: 'e', port: 7000 }], 'file:'));
    expect(configOf(['--config', 'nemesis.json', '--store', 'memory'], world).store).toEqual({ type: 'memory' });
  });

  it('logs in with a password (and user) from the config file or the environment, never from a flag', () => {
    const store = { type: 'redis', nodes: ['r:7000'], username: 'app', password: 'file-secret' };
    expect(configOf(['--config', 'nemesis.json'], withFile(file({ store }))).store).toEqual(
      redis([{ host: 'r', port: 7000 }], 'nemesisdb:', { username: 'app', password: 'file-secret' }),
    );
    const env = { NEMESISDB_STORE: 'redis', NEMESISDB_REDIS_NODES: 'e:7000', NEMESISDB_REDIS_PASSWORD: 'env-secret' };
    expect(configOf([], { env }).store).toEqual(redis([{ host: 'e', port: 7000 }], 'nemesisdb:', { password: 'env-secret' }));
    expect(configOf([], { env: { ...env, NEMESISDB_REDIS_USERNAME: 'u' } }).store).toMatchObject({
      credentials: { username: 'u', password: 'env-secret' },
    });
    expect(errorOf([], { env: { NEMESISDB_REDIS_USERNAME: 'u' } })).toBe(
      'config error: NEMESISDB_REDIS_USERNAME needs NEMESISDB_REDIS_PASSWORD',
    );
    expect(errorOf(['--redis-password', 'x'])).toMatch(/^config error: unknown option '--redis-password'/);
    expect(errorOf(['--config', 'nemesis.json'], withFile(file({ store: { type: 'redis', nodes: ['r:1'], username: 'app' } })))).toBe(
      'config error: store.username needs store.password',
    );
  });

  it('names the wrong member or flag in one line', () => {
    expect(errorOf(['--store', 'mongo'])).toBe('config error: --store must be "memory" or "redis" (got "mongo")');
    expect(errorOf(['--store', 'redis'])).toBe(
      'config error: --store is "redis": the cluster\'s nodes are needed too (store.nodes, --redis-nodes or NEMESISDB_REDIS_NODES)',
    );
    expect(errorOf(['--store', 'redis', '--redis-nodes', 'a:99999'])).toBe(
      'config error: --redis-nodes must be a non-empty list of host:port (e.g. "10.0.0.1:7000,10.0.0.2:7000") (got "a:99999")',
    );
    expect(errorOf([], { env: { NEMESISDB_REDIS_NODES: ',' } })).toMatch(/^config error: NEMESISDB_REDIS_NODES must be a non-empty list/);
    expect(errorOf(['--redis-key-prefix', 'a{b}'])).toBe('config error: --redis-key-prefix must be a string without { or } (got "a{b}")');
    expect(errorOf(['--config', 'nemesis.json'], withFile(file({ store: { type: 'redis', nodes: ['a:7000', { host: 'b' }] } })))).toBe(
      'config error: store.nodes[1] must be "host:port" or { "host": string, "port": 1-65535 }',
    );
    expect(errorOf(['--config', 'nemesis.json'], withFile(file({ store: { type: 'redis', nodes: [] } })))).toBe(
      'config error: store.nodes must be a non-empty array',
    );
    expect(errorOf(['--config', 'nemesis.json'], withFile(file({ store: { type: 'disk' } })))).toBe(
      'config error: store.type must be "memory" or "redis" (got "disk")',
    );
    expect(errorOf(['--config', 'nemesis.json'], withFile(file({ store: 'redis' })))).toMatch(
      /^config error: store must be an object with "type"/,
    );
  });

  it('refuses what a shared cluster cannot honour: a journal, a heap ceiling', () => {
    const cluster = ['--store', 'redis', '--redis-nodes', 'a:7000'];
    expect(errorOf([...cluster, '--persist-enabled', '--journal', 'always'], { dirs: ['/srv/data'] })).toBe(
      'config error: --journal works with the memory store only (--store is "redis": use the cluster\'s own AOF and replicas)',
    );
    expect(errorOf([...cluster, '--max-data-bytes', String(64 * 1024 * 1024)])).toBe(
      'config error: --max-data-bytes works with the memory store only (--store is "redis": set maxmemory on the cluster)',
    );
  });
});
