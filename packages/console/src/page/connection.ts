// The page's link to the server: two raw connections (the compose box's, and the inspector's and
// server view's, so that their reads never queue behind a typed command and inflate its round
// trip), kept open with the SDK's reconnect backoff, and a visible state.
//
// A browser cannot see why a WebSocket upgrade failed (401 and a dead server look the same), but
// `GET /health` tells: it answers whenever the server is up, and reports the database's sizes only
// to requests with an accepted token, or when the server needs none. So before each attempt the
// page asks /health: no answer → the server is down, try again later; an answer without sizes →
// the server wants a token, ask for it (and only then); sizes → connect.

import { reconnectDelay, reconnectPolicy } from '@nemesisdb/client/wire';
import { decode } from '@nemesisdb/protocol/codec';
import { RawWire, type TextWire } from './raw-wire.js';
import { WorkerWire } from './worker-wire.js';

/**
 * The compose box's connection: in a worker (wire-worker.ts, named by index.html's script tag)
 * so that its round trips are timed off the main thread; on the main thread if workers fail.
 */
function composeWire(): TextWire {
  const script = document.querySelector<HTMLScriptElement>('script[data-wire-worker]')?.dataset.wireWorker;
  if (script !== undefined && typeof Worker === 'function') {
    try {
      const wire = new WorkerWire(new URL(script, location.href).toString());
      document.body.dataset.composeWire = 'worker';
      return wire;
    } catch {
      // e.g. a policy that forbids workers: the main thread it is
    }
  }
  document.body.dataset.composeWire = 'main';
  return new RawWire();
}

export type ConnectionState =
  /** First attempt, or an attempt under way. */
  | 'connecting'
  | 'open'
  /** Lost or unreachable: waiting `retryInMs` before attempt `attempt`. */
  | 'reconnecting'
  /** The server requires a token (or refused the one given): waiting for the user. */
  | 'token';

export interface ConnectionChange {
  state: ConnectionState;
  /** One sentence for the status line. */
  text: string;
  /** Reconnecting: the attempt coming, and when (ms from now). */
  attempt?: number;
  retryInMs?: number;
  /** Open: whether this is a re-connection (the page re-checks what it showed). */
  reconnected?: boolean;
}

/** Reconnects start fast (a restart takes a second or two) and settle at one try every 5 s. */
const POLICY = reconnectPolicy({ initialDelayMs: 250, maxDelayMs: 5_000, factor: 2, jitter: 0.3 });

/** What `GET /health` says about a token: accepted (or none needed), refused, or no answer. */
export type TokenCheck = 'accepted' | 'refused' | 'unreachable';

/** The server that served the page, as a WebSocket URL (its path too, for a console behind a proxy). */
export function serverUrl(page: string = location.href): string {
  const url = new URL('./', page);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** Fetches a path of the server beside the page, with the bearer token when there is one. */
export function serverFetch(path: string, token: string | undefined): Promise<Response> {
  return fetch(new URL(path, location.href), {
    cache: 'no-store',
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
}

export async function checkToken(token: string | undefined): Promise<TokenCheck> {
  try {
    const response = await serverFetch('health', token);
    if (!response.ok) return 'unreachable'; // 503 while closing: as good as down
    const health = decode(await response.text());
    if (typeof health !== 'object' || health === null || Array.isArray(health)) return 'unreachable';
    return typeof health.sessions === 'number' ? 'accepted' : 'refused';
  } catch {
    return 'unreachable';
  }
}

export class Connection {
  /** The compose box's connection: text as typed. */
  readonly compose: TextWire = composeWire();
  /** The inspector's and the server view's connection. */
  readonly reads = new RawWire();
  private token: string | undefined;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private everOpen = false;
  private current: ConnectionChange = { state: 'connecting', text: 'Connecting…' };

  constructor(private readonly onChange: (change: ConnectionChange) => void) {
    const lost = (code: number) => {
      // Either connection going means both go: the page is connected or it is not.
      this.compose.close();
      this.reads.close();
      this.retry(code === 1001 ? 'The server went away (restarting?)' : `Connection lost (close code ${code})`);
    };
    this.compose.onClose = lost;
    this.reads.onClose = lost;
  }

  get state(): ConnectionChange {
    return this.current;
  }

  /** The bearer token in use (kept in memory only). */
  get bearer(): string | undefined {
    return this.token;
  }

  get url(): string {
    return serverUrl();
  }

  /** Connects now (cancelling a wait), with `token` when given (from the token field). */
  connect(token: string | undefined = this.token): Promise<void> {
    this.token = token;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.running ??= this.attemptOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private set(change: ConnectionChange): void {
    this.current = change;
    this.onChange(change);
  }

  private async attemptOnce(): Promise<void> {
    const url = this.url;
    this.set({
      state: 'connecting',
      text: this.attempt === 0 ? `Connecting to ${url}…` : `Reconnecting to ${url} (attempt ${this.attempt})…`,
    });
    const check = await checkToken(this.token);
    if (check === 'refused') {
      this.attempt = 0;
      this.set({
        state: 'token',
        text: this.token === undefined ? 'This server requires a token: enter it to connect.' : 'The server refused this token.',
      });
      return;
    }
    if (check === 'unreachable') {
      this.retry(`The server at ${url} does not answer`);
      return;
    }
    try {
      await Promise.all([this.compose.connect(url, this.token), this.reads.connect(url, this.token)]);
    } catch {
      this.compose.close();
      this.reads.close();
      this.retry(`Could not connect to ${url}`);
      return;
    }
    const reconnected = this.everOpen;
    this.everOpen = true;
    this.attempt = 0;
    this.set({ state: 'open', text: `Connected to ${url}${this.token === undefined ? '' : ' with a token'}.`, reconnected });
  }

  /** Waits (capped exponential backoff with jitter, the SDK's), then tries again. */
  private retry(why: string): void {
    this.attempt++;
    const delay = reconnectDelay(this.attempt, POLICY);
    this.set({ state: 'reconnecting', text: `${why}. Retrying in ${formatWait(delay)}…`, attempt: this.attempt, retryInMs: delay });
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.connect();
    }, delay);
  }
}

function formatWait(ms: number): string {
  return ms < 1000 ? `${Math.max(0.1, ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
