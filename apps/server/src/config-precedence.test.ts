import { describe, expect, it } from 'vitest';
import { configOf, file, type World } from './config.test-util.js';

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

  /** Each layer's values for every setting it sets, as the resolved config shows them. */
  const layer = (host: string, port: number, maxPayload: number, maxConnections: number, persist: [boolean, string], logLevel: string) => ({
    host,
    port,
    maxPayload,
    maxConnections,
    persist: { enabled: persist[0], path: `/srv/${persist[1]}`, journal: undefined },
    logLevel,
  });

  it.each([
    ['the file beats the defaults', [], {}, layer('10.0.0.1', 1000, 100, 10_000, [false, 'from-file'], 'info')],
    ['the environment beats the file', [], env, layer('10.0.0.2', 2000, 200, 20, [true, 'from-env'], 'warn')],
    ['flags beat the environment', flags, env, layer('10.0.0.3', 3000, 300, 30, [false, 'from-flag'], 'debug')],
  ])('%s', (_name, moreFlags, moreEnv, expected) => {
    expect(configOf(['--config', 'nemesis.json', ...moreFlags], { ...world, env: moreEnv })).toMatchObject(expected);
  });

  it('layers mix per setting', () => {
    const config = configOf(['--config', 'nemesis.json', '--port', '3000'], { ...world, env: { NEMESISDB_MAX_PAYLOAD: '200' } });
    expect(config).toMatchObject({ host: '10.0.0.1', port: 3000, maxPayload: 200, maxConnections: 10_000 });
  });

  it('--persist-enabled turns persistence on over a file that turns it off', () => {
    expect(configOf(['--config', 'nemesis.json', '--persist-enabled'], world).persist).toEqual({
      enabled: true,
      path: '/srv/from-file',
      journal: undefined,
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
