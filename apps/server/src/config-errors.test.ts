import { describe, expect, it } from 'vitest';
import { errorOf, file, withFile, type World } from './config.test-util.js';

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
