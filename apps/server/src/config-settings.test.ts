import { describe, expect, it } from 'vitest';
import { configOf, errorOf, file, withFile, type World } from './config.test-util.js';

describe('the journal setting (beyond upstream)', () => {
  const world: World = { cwd: '/srv', files: {}, dirs: ['/srv/data'] };

  it('is off by default and set by flag, env or file, in that order of precedence', () => {
    expect(configOf([], world).persist.journal).toBeUndefined();
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
    expect(configOf(['--config', 'n.json', '--journal', 'off'], { ...world, files }).persist.journal).toBeUndefined();
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

// Two on-by-default switches that read alike from every layer: one table, the same checks for each.
describe.each([
  { member: 'console', flag: '--no-console', variable: 'NEMESISDB_CONSOLE', off: 'off' },
  { member: 'extensions', flag: '--no-extensions', variable: 'NEMESISDB_EXTENSIONS', off: 'false' },
] as const)('the $member setting', ({ member, flag, variable, off }) => {
  const env: Record<string, string> = { [variable]: off };
  const fileSaying = (value: unknown) => withFile(file({ [member]: value }));

  it(`is on by default, off with ${flag}, ${variable}=${off} or "${member}": false`, () => {
    expect(configOf([])[member]).toBe(true);
    expect(configOf([flag])[member]).toBe(false);
    expect(configOf([], { env })[member]).toBe(false);
    expect(configOf(['--config', 'nemesis.json'], fileSaying(false))[member]).toBe(false);
    // A flag wins over the file.
    expect(configOf(['--config', 'nemesis.json', flag], fileSaying(true))[member]).toBe(false);
  });

  it(`refuses a "${member}" member that is not a bool`, () => {
    expect(errorOf(['--config', 'nemesis.json'], fileSaying('no'))).toMatch(new RegExp(`^config error: ${member} must be true or false`));
  });
});
