// The session inspector: a session's keys and values (SH_KEYS, then SH_GET) and its expiry
// (SH_INFO), counted down live. It goes through the SDK: `db.sessions.open(token)` gives a
// Session whose `keys()`, `get()` and `info()` are those commands, with exact tokens and bigints.
//
// SH_INFO's `expiry.remaining` is whole seconds, truncated: the session ends within the second
// after it reaches 0. So the countdown runs locally from the reply, and at 0 the inspector asks
// SH_INFO again (every 250 ms while it still says 0) until the server answers 100 — "expired" —
// or a new period (a `deleteSession: false` session keeps living with no keys; a session used
// meanwhile was extended).

import { NemesisError, type FoundValues, type NemesisClient, type SessionInfo } from '@nemesisdb/client/browser';
import { isTokenText, pretty } from './format.js';

/** The elements the inspector writes to. */
export interface InspectorView {
  /** The session inspected: its token (exact digits). */
  token: HTMLElement;
  /** One line about the session; announced (aria-live). */
  status: HTMLElement;
  /** The countdown (role="timer"). */
  countdown: HTMLElement;
  /** The expiry settings in words. */
  settings: HTMLElement;
  /** The table body of keys and values. */
  keys: HTMLTableSectionElement;
  /** The inspector's panel: `data-state` tells styles (and tests) where it is. */
  panel: HTMLElement;
}

type State = 'idle' | 'live' | 'checking' | 'expired' | 'gone' | 'error';

const TICK_MS = 200;
const RECHECK_MS = 250;
/** Re-checks at 0 before giving up (10 s): the server expires sessions within a second. */
const MAX_RECHECKS = 40;

export class Inspector {
  private token: string | undefined;
  /** Bumped when another session is inspected: late answers about the previous one are dropped. */
  private generation = 0;
  /** Bumped by every load: only the latest load's answer is shown. */
  private loads = 0;
  /** `performance.now()` at which `remaining` reaches 0. */
  private deadline = 0;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private recheck: ReturnType<typeof setTimeout> | undefined;
  private rechecks = 0;
  private deleteOnExpiry = true;

  constructor(
    private readonly view: InspectorView,
    private readonly client: () => NemesisClient | undefined,
  ) {}

  /** The token of the session inspected, if any. */
  get current(): string | undefined {
    return this.token;
  }

  /** Inspects another session. */
  inspect(token: string): Promise<void> {
    this.stop();
    this.generation++;
    if (!isTokenText(token)) {
      this.token = undefined;
      this.view.token.textContent = '';
      this.show('error', `Not a session token: ${token === '' ? '(empty)' : token}. A token is a whole number from 0 to 18446744073709551615.`);
      return Promise.resolve();
    }
    this.token = token;
    this.view.token.textContent = token;
    return this.load();
  }

  /** Reads the session inspected again (after a command that may have changed it). */
  refresh(): Promise<void> {
    return this.token === undefined ? Promise.resolve() : this.load();
  }

  private async load(): Promise<void> {
    const { token, generation } = this;
    const load = ++this.loads;
    const db = this.client();
    if (token === undefined) return;
    if (db === undefined) {
      this.show('error', 'Not connected.');
      return;
    }
    const session = db.sessions.open(token);
    try {
      // Values first, info last: a session created with extendOnGet is extended by the SH_GET,
      // and the countdown should start from what is left after it.
      const keys = (await session.keys()).sort();
      const values = keys.length > 0 ? await session.get(keys) : {};
      const info = await session.info();
      if (generation !== this.generation || load !== this.loads) return;
      this.showKeys(keys, values);
      this.showInfo(info);
    } catch (error) {
      if (generation !== this.generation || load !== this.loads) return;
      this.failed(error);
    }
  }

  private failed(error: unknown): void {
    this.stop();
    if (error instanceof NemesisError && error.status === 100) {
      const wasLive = this.view.panel.dataset.state === 'live' || this.view.panel.dataset.state === 'checking';
      this.showKeys([], {});
      this.view.countdown.textContent = wasLive ? 'expired' : '—';
      this.view.settings.textContent = '';
      this.show(wasLive ? 'expired' : 'gone', wasLive ? 'Expired: the session and its keys are gone (SH_INFO answers 100, SessionNotExist).' : 'No such session (100, SessionNotExist): it expired, was ended, or the token is wrong.');
      return;
    }
    this.show('error', `Could not read the session: ${error instanceof Error ? error.message : String(error)}`);
  }

  private showInfo(info: SessionInfo): void {
    const count = `${info.keyCount} ${info.keyCount === 1 ? 'key' : 'keys'}`;
    if (!info.expires) {
      this.stop();
      this.view.countdown.textContent = 'never expires';
      this.view.settings.textContent = '';
      this.show('live', `Session found: ${count}, never expires.`);
      return;
    }
    const { expiry } = info;
    this.deleteOnExpiry = expiry.deleteSessionOnExpire;
    const extends_ = [expiry.extendOnSetAdd && 'set/add', expiry.extendOnGet && 'get'].filter(Boolean).join(' and ');
    this.view.settings.textContent =
      `Duration ${String(expiry.durationSeconds)} s; on expiry ${expiry.deleteSessionOnExpire ? 'the session is deleted' : 'its keys are deleted, the session stays'}` +
      (extends_ ? `; each ${extends_} restarts it.` : '.');
    this.show('live', `Session found: ${count}.`);
    this.countFrom(Number(expiry.remainingSeconds));
  }

  /** Starts the local countdown from `remaining` whole seconds. */
  private countFrom(remaining: number): void {
    this.stop();
    this.rechecks = 0;
    this.deadline = performance.now() + remaining * 1000;
    this.tick();
    this.ticker = setInterval(() => this.tick(), TICK_MS);
  }

  private tick(): void {
    const left = this.deadline - performance.now();
    if (left > 0) {
      this.view.countdown.textContent = `${Math.ceil(left / 1000)} s`;
      return;
    }
    this.stop();
    this.view.countdown.textContent = '0 s';
    this.view.panel.dataset.state = 'checking';
    void this.check(this.generation);
  }

  /** At 0: asks SH_INFO whether the session has gone yet. */
  private async check(generation: number): Promise<void> {
    const db = this.client();
    if (db === undefined || this.token === undefined) return;
    const load = ++this.loads;
    let info: SessionInfo;
    try {
      info = await db.sessions.open(this.token).info();
    } catch (error) {
      if (generation === this.generation && load === this.loads) this.failed(error);
      return;
    }
    if (generation !== this.generation || load !== this.loads) return;
    if (!info.expires) {
      this.showInfo(info);
      return;
    }
    const remaining = Number(info.expiry.remainingSeconds);
    if (remaining === 0) {
      if (++this.rechecks < MAX_RECHECKS) this.recheck = setTimeout(() => void this.check(generation), RECHECK_MS);
      else this.show('error', 'The session is still there after its expiry time.');
      return;
    }
    // A new period: the session was used meanwhile (and extended), or — deleteSession: false —
    // its keys expired and it lives on. Either way, read it again.
    await this.load();
    if (!this.deleteOnExpiry && generation === this.generation && this.view.panel.dataset.state === 'live') {
      this.show('live', `A new expiry period began (on expiry only the keys are deleted). ${this.view.status.textContent ?? ''}`);
    }
  }

  private showKeys(keys: readonly string[], values: FoundValues<string>): void {
    const rows = keys.map((key) => {
      const row = document.createElement('tr');
      const name = document.createElement('th');
      name.scope = 'row';
      name.textContent = key;
      const cell = document.createElement('td');
      const value = document.createElement('pre');
      const found = values[key];
      value.textContent = found === undefined ? '(gone)' : pretty(found);
      cell.append(value);
      row.append(name, cell);
      return row;
    });
    if (rows.length === 0) {
      const row = document.createElement('tr');
      const cell = document.createElement('td');
      cell.colSpan = 2;
      cell.className = 'empty';
      cell.textContent = 'No keys.';
      row.append(cell);
      rows.push(row);
    }
    this.view.keys.replaceChildren(...rows);
  }

  private show(state: State, text: string): void {
    this.view.panel.dataset.state = state;
    this.view.status.textContent = text;
  }

  /** Stops the countdown and any pending re-check. */
  stop(): void {
    if (this.ticker !== undefined) clearInterval(this.ticker);
    if (this.recheck !== undefined) clearTimeout(this.recheck);
    this.ticker = undefined;
    this.recheck = undefined;
  }
}
