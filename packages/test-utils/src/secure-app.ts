import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testCertificate, type TestCertificate } from './certificate.js';

/** What a test needs to start the app with TLS and a required token: the files and their flags. */
export interface SecureAppFiles extends TestCertificate {
  /** The temporary directory holding cert.pem, key.pem and tokens. */
  directory: string;
  /** The token file, one token per line (read by `--auth-token-file`). */
  tokenFile: string;
  /** `--tls-cert` and `--tls-key` for the test certificate. */
  tlsArgs: string[];
  /** `--auth-token-file` for the token file. */
  tokenArgs: string[];
  /** Deletes the directory (for afterAll). */
  remove(): void;
}

/**
 * Makes a temporary directory (named from `prefix`) with a test certificate for 127.0.0.1 and a
 * token file holding `token`, for the TLS and access tests of the client and the CLI.
 */
export function secureAppFiles(prefix: string, token: string): SecureAppFiles {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  const tokenFile = join(directory, 'tokens');
  writeFileSync(tokenFile, `${token}\n`);
  const certificate = testCertificate(directory);
  return {
    ...certificate,
    directory,
    tokenFile,
    tlsArgs: ['--tls-cert', certificate.certFile, '--tls-key', certificate.keyFile],
    tokenArgs: ['--auth-token-file', tokenFile],
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}
