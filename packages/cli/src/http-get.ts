import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import type { ConnectionSettings } from './connection.js';

/** The server's HTTP side (`/health`, `/metrics`): same host and port as its WebSocket. */
export function httpBase(wsUrl: string): URL {
  const url = new URL(wsUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = '/';
  url.search = '';
  return url;
}

/** GETs a path of the server with the CLI's token and CA; resolves with status and body. */
export function getText(settings: ConnectionSettings, path: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  const url = new URL(path, httpBase(settings.url));
  const headers: Record<string, string> = settings.token === undefined ? {} : { authorization: `Bearer ${settings.token}` };
  return new Promise((resolve, reject) => {
    const options = { headers, timeout: timeoutMs, ...(settings.ca === undefined ? {} : { ca: settings.ca }) };
    const request = (url.protocol === 'https:' ? httpsGet : httpGet)(url, options, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url.origin} within ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}
