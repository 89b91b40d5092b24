import { readFileSync } from 'node:fs';
import { ConnectionError, NemesisClient, ProtocolError, type ClientOptions } from '@nemesisdb/client';
import { complain, type Output } from './output.js';

/** Where and how to connect, from the command line (and NEMESISDB_URL / NEMESISDB_TOKEN). */
export interface ConnectionSettings {
  url: string;
  /** A bearer token, for a server with `authTokens`. */
  token: string | undefined;
  /** PEM text of the CA that signed a `wss://` server's certificate. */
  ca: string | undefined;
  connectTimeoutMs: number;
  /** How long to wait for a reply, in ms; 0: as long as it takes. */
  replyTimeoutMs: number;
}

/** Thrown (as the abort reason) when a reply takes longer than `--timeout`. */
export class ReplyTimeout extends Error {}

/** A signal that aborts after the reply timeout, combined with `also` (Ctrl-C), if any. */
export function replySignal(settings: ConnectionSettings, also?: AbortSignal): AbortSignal | undefined {
  const signals: AbortSignal[] = also === undefined ? [] : [also];
  if (settings.replyTimeoutMs > 0) {
    const controller = new AbortController();
    const seconds = settings.replyTimeoutMs / 1000;
    const timer = setTimeout(
      () => controller.abort(new ReplyTimeout(`no reply within ${seconds} s (--timeout); the request may still run on the server`)),
      settings.replyTimeoutMs,
    );
    timer.unref();
    signals.push(controller.signal);
  }
  return signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);
}

/** The default server address, as redis-cli defaults to 127.0.0.1:6379. */
export const DEFAULT_URL = 'ws://127.0.0.1:1987';

/** A problem with the settings themselves, reported as a usage error. */
export class SettingsError extends Error {}

/** Checks a server address; `127.0.0.1:1987` and `localhost` are taken as `ws://…`. */
export function normalizeUrl(text: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `ws://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new SettingsError(`not a server address: ${JSON.stringify(text)} (expected e.g. ws://127.0.0.1:1987)`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new SettingsError(`the server address must be ws:// or wss:// (got ${JSON.stringify(text)})`);
  }
  // No port written: NemesisDB's 1987, not the scheme's 80/443 (an explicit :80 stays).
  const authority = withScheme.replace(/^[a-z]+:\/\//i, '').split(/[/?#]/)[0]!;
  if (url.port === '' && !/:\d+$/.test(authority)) url.port = '1987';
  return url.toString();
}

/** Reads the `--ca` file. */
export function readCa(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new SettingsError(`cannot read the CA certificate ${path}: ${(error as Error).message}`);
  }
}

/** `host:port` (and the path, when there is one), for prompts and messages. */
export function shortAddress(url: string): string {
  const parsed = new URL(url);
  const path = parsed.pathname === '/' ? '' : parsed.pathname;
  return `${parsed.protocol === 'wss:' ? 'wss://' : ''}${parsed.host}${path}`;
}

/** The SDK's options for these settings. */
export function clientOptions(settings: ConnectionSettings, extra: ClientOptions = {}): ClientOptions {
  return {
    connectTimeoutMs: settings.connectTimeoutMs,
    ...(settings.token === undefined ? {} : { token: settings.token }),
    ...(settings.ca === undefined ? {} : { tls: { ca: settings.ca } }),
    ...extra,
  };
}

/** Opens a client that gives up at once when the connection is lost (one-shot, pipe, latency). */
export function connectOnce(settings: ConnectionSettings): Promise<NemesisClient> {
  return NemesisClient.connect(settings.url, clientOptions(settings, { reconnect: false, queueWhileDisconnected: false }));
}

/**
 * connectOnce for a mode that cannot start without the server: on failure it says why on stderr
 * and gives undefined, for the caller to exit with ExitCode.Unreachable.
 */
export async function connectOrComplain(settings: ConnectionSettings, output: Output): Promise<NemesisClient | undefined> {
  try {
    return await connectOnce(settings);
  } catch (error) {
    complain(output, describeConnectionError(error));
    return undefined;
  }
}

/** The option that fixes a TLS failure, when the message is one. */
export function tlsHint(message: string): string {
  return /certificate|self.signed|UNABLE_TO/i.test(message) ? ' — for a private CA, pass its certificate with --ca' : '';
}

/** A connection failure in one line for a person: what failed and, when known, why. */
export function describeConnectionError(error: unknown): string {
  if (error instanceof ConnectionError) {
    const cause = (error as { cause?: unknown }).cause as { code?: string } | undefined;
    let hint = '';
    if (cause?.code === 'ECONNREFUSED') hint = ' — is the server running? (start one with `npx nemesisdb`)';
    // The HTTP status of a refused upgrade, as ws words it; not any "401" (the URL's port may hold one).
    else if (/server response: 401\b/.test(error.message)) hint = ' — the server requires a token: pass --token or set NEMESISDB_TOKEN';
    else hint = tlsHint(error.message);
    return `${error.message}${hint}`;
  }
  if (error instanceof ReplyTimeout) return error.message;
  if ((error as Error)?.name === 'AbortError') return 'interrupted: the request may still run on the server (its reply will be dropped)';
  if (error instanceof ProtocolError) return `the server's reply could not be read: ${error.message}`;
  return (error as Error)?.message ?? String(error);
}
