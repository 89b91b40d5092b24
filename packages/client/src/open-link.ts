import { ConnectionError } from './errors.js';
import type { Wire, WireFactory, WireHandlers } from './wire.js';

/** One opened connection. A new object per connection, so that events of an old one are told apart. */
export interface Link {
  readonly wire: Wire;
}

/** What happens on a link once it is open. */
export interface LinkHandlers {
  /** A message; `text` is undefined for a binary one. */
  message(link: Link, text: string | undefined): void;
  /** The link closed (by either side, or broken) after it had opened. */
  lost(link: Link, code: number, reason: string, cause: unknown): void;
}

/**
 * Opens a connection to `url`, failing with a ConnectionError (`failure: 'connect'`) when it does
 * not open within `connectTimeoutMs` or the WebSocket refuses the URL, and at once (`failure:
 * 'closed'`) when `signal` aborts — the client was closed meanwhile.
 */
export async function openLink(
  url: string,
  connectTimeoutMs: number,
  wireFactory: (url: string) => Promise<WireFactory>,
  on: LinkHandlers,
  signal?: AbortSignal,
): Promise<Link> {
  const factory = await wireFactory(url);
  const closed = () => new ConnectionError(`the client was closed while connecting to ${url}`, { url, failure: 'closed' });
  if (signal?.aborted) throw closed();
  return new Promise<Link>((resolve, reject) => {
    let opened = false;
    let failed = false;
    let lastError: unknown;
    const onAbort = () => {
      fail(closed());
      // Unset only if the WebSocket constructor threw, and then the attempt has failed already.
      (link as Link | undefined)?.wire.terminate();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const fail = (error: ConnectionError) => {
      if (opened || failed) return;
      failed = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    };
    const handlers: WireHandlers = {
      open: () => {
        if (failed) return;
        opened = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(link);
      },
      message: (text) => on.message(link, text),
      binary: () => on.message(link, undefined),
      error: (error) => {
        lastError = error;
      },
      close: (code, reason) => {
        if (!opened) {
          const why = lastError instanceof Error ? `: ${lastError.message}` : ` (close code ${code})`;
          fail(
            new ConnectionError(`could not connect to ${url}${why}`, {
              url,
              failure: 'connect',
              closeCode: code,
              closeReason: reason,
              cause: lastError,
            }),
          );
        } else {
          on.lost(link, code, reason, lastError);
        }
      },
    };
    const timer = setTimeout(() => {
      fail(new ConnectionError(`could not connect to ${url}: no answer within ${connectTimeoutMs} ms`, { url, failure: 'connect' }));
      link.wire.terminate();
    }, connectTimeoutMs);
    let link: Link;
    try {
      link = { wire: factory(url, handlers) };
    } catch (error) {
      // e.g. a URL the WebSocket constructor refuses
      fail(new ConnectionError(`could not connect to ${url}: ${(error as Error).message}`, { url, failure: 'connect', cause: error }));
    }
  });
}
