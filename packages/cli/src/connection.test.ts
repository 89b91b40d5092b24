import { describe, expect, it } from 'vitest';
import { ConnectionError } from '@nemesisdb/client';
import { SettingsError, describeConnectionError, normalizeUrl, shortAddress } from './connection.js';
import { httpBase } from './http-get.js';
import { looksLikeAddress } from './program.js';

describe('server addresses', () => {
  it("default to ws:// and NemesisDB's port 1987", () => {
    const normalized = {
      '127.0.0.1:7000': 'ws://127.0.0.1:7000/',
      localhost: 'ws://localhost:1987/',
      'wss://db.example.com': 'wss://db.example.com:1987/',
      'ws://db.example.com:80/x': 'ws://db.example.com/x',
      'ws://[::1]:1987': 'ws://[::1]:1987/',
    };
    for (const [given, url] of Object.entries(normalized)) expect(normalizeUrl(given), given).toBe(url);
  });

  it('refuse other schemes and text that is not an address', () => {
    expect(() => normalizeUrl('http://127.0.0.1:1987')).toThrow(SettingsError);
    expect(() => normalizeUrl('ws://')).toThrow(SettingsError);
  });

  it('are shown short in the prompt, and map to http(s) for /health and /metrics', () => {
    expect(shortAddress('ws://127.0.0.1:1987/')).toBe('127.0.0.1:1987');
    expect(shortAddress('wss://db.example.com:1987/ws')).toBe('wss://db.example.com:1987/ws');
    expect(httpBase('wss://db.example.com:1987/ws?x=1').toString()).toBe('https://db.example.com:1987/');
    expect(httpBase('ws://127.0.0.1:1987/').toString()).toBe('http://127.0.0.1:1987/');
  });

  it('are told apart from commands and requests on the command line', () => {
    for (const arg of ['ws://h:1', 'wss://h', '127.0.0.1:1987', 'localhost', 'db.example.com', 'h:1987/path', '[::1]:1987']) {
      expect(looksLikeAddress(arg), arg).toBe(true);
    }
    for (const arg of ['SH_NEW', 'sh_info_all', '{"SH_NEW":{}}', 'help', '{}']) expect(looksLikeAddress(arg), arg).toBe(false);
  });
});

describe('connection failures, explained', () => {
  const failure = (message: string) => new ConnectionError(message, { url: 'wss://127.0.0.1:44015/', failure: 'connect' });

  it('points at --ca for a certificate the client cannot check, even when the port holds "401"', () => {
    const text = describeConnectionError(failure('could not connect to wss://127.0.0.1:44015/: self-signed certificate'));
    expect(text).toContain('pass its certificate with --ca');
    expect(text).not.toContain('--token');
  });

  it('points at --token when the server refuses the upgrade with 401', () => {
    const text = describeConnectionError(failure('could not connect to ws://127.0.0.1:7000/: Unexpected server response: 401'));
    expect(text).toContain('pass --token or set NEMESISDB_TOKEN');
  });
});
