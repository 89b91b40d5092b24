// The session inspector: a session's keys and values (SH_KEYS, then SH_GET) and its expiry
// (SH_INFO), counted down live, over the page's read connection (reads.ts).
//
// The countdown is exact to about a tenth of a second, although SH_INFO's `expiry.remaining` is
// whole seconds, truncated: an answer `r` at time t says the session ends within [t + r, t + r + 1).
// The inspector keeps that interval for the deadline and narrows it — with the send and reply
// times of the SH_NEW that created the session, when the console sent it, and otherwise by asking
// SH_INFO again every 100 ms until `remaining` ticks down (at most a second). Counting from the
// bare `r` would show a 3-second session as "2 s" and then sit at "0 s" for up to a second.
//
// At the deadline the inspector asks SH_INFO again (every 250 ms while it still says 0) until the
// server answers 100: "expired", which stays until the user moves on (inspects another session),
// whatever later reads say. A `deleteSession: false` session starts a new period instead.

import { isTokenText, pretty } from './format.js';
import type { RawWire } from './raw-wire.js';
import { StatusError, call, isObject } from './reads.js';
import type { ExactJsonValue } from '@nemesisdb/protocol/codec';

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

type State = 'idle' | 'live' | 'checking' | 'expired' | 'gone' | 'error' | 'offline';

/** When a session's period ends, as an interval of `performance.now()` times. */
export interface Deadline {
  earliest: number;
  latest: number;
}

const TICK_MS = 100;
const REFINE_MS = 100;
/** The countdown is exact enough once the deadline is known within this. */
const PRECISE_MS = 150;
const MAX_REFINES = 14;
const RECHECK_MS = 250;
/** Re-checks at 0 before giving up (10 s): the server expires sessions within a second. */
const MAX_RECHECKS = 40;

interface ExpiryInfo {
  remaining: number;
  duration: number;
  deleteSession: boolean;
  extendOnSetAdd: boolean;
  extendOnGet: boolean;
}

interface Info {
  keyCount: number;
  expiry: ExpiryInfo | undefined;
}

export class Inspector {
  private token: string | undefined;
  /** Bumped when another session is inspected: late answers about the previous one are dropped. */
  private generation = 0;
  /** Bumped by every load: only the latest load's answer is shown. */
  private loads = 0;
  private deadline: Deadline | undefined;
  /** A deadline known from outside (the SH_NEW the console sent), used by the next load only. */
  private hint: Deadline | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private rechecks = 0;
  private refines = 0;
  private deleteOnExpiry = true;
  /** The session was seen alive by this inspector (so a 100 now means it expired). */
  private seenAlive = false;

  constructor(
    private readonly view: InspectorView,
    private readonly wire: () => RawWire | undefined,
  ) {}

  /** The token of the session inspected, if any. */
  get current(): string | undefined {
    return this.token;
  }

  get state(): State {
    return (this.view.panel.dataset.state as State | undefined) ?? 'idle';
  }

  /** Inspects another session; `deadline`: when its period ends, if the caller knows. */
  inspect(token: string, deadline?: Deadline): Promise<void> {
    this.stop();
    this.generation++;
    this.seenAlive = false;
    this.hint = deadline;
    if (!isTokenText(token)) {
      this.token = undefined;
      this.view.token.textContent = '';
      this.show(
        'error',
        `Not a session token: ${token === '' ? '(empty)' : token}. A token is a whole number from 0 to 18446744073709551615.`,
      );
      return Promise.resolve();
    }
    this.token = token;
    this.view.token.textContent = token;
    return this.load();
  }

  /** Reads the session inspected again (after a command that may have changed it, or a reconnect). */
  refresh(): Promise<void> {
    return this.token === undefined ? Promise.resolve() : this.load();
  }

  /** The connection is gone: nothing can be read, so nothing is counted down as if it could. */
  pause(): void {
    if (this.token === undefined || this.state === 'expired') return;
    this.stop();
    this.loads++; // answers still due are about a connection that is gone
    this.view.countdown.textContent = '—';
    this.show('offline', 'Disconnected: the session is read again when the server is back.');
  }

  private async load(): Promise<void> {
    const { token, generation } = this;
    const load = ++this.loads;
    const wire = this.wire();
    if (token === undefined) return;
    if (wire === undefined || !wire.open) {
      this.pause();
      return;
    }
    const wasOffline = this.state === 'offline';
    try {
      // Values first, info last: a session created with extendOnGet is extended by the SH_GET,
      // and the countdown should start from what is left after it.
      const keysBody = await call(wire, 'SH_KEYS', `{"tkn":${token}}`);
      const keys = (Array.isArray(keysBody.keys) ? keysBody.keys.filter((key): key is string => typeof key === 'string') : []).sort();
      const valuesBody = keys.length > 0 ? await call(wire, 'SH_GET', `{"tkn":${token},"keys":${JSON.stringify(keys)}}`) : {};
      const values = isObject(valuesBody.keys) ? valuesBody.keys : {};
      const { info, observed } = await this.info(wire, token);
      if (generation !== this.generation || load !== this.loads) return;
      this.seenAlive = true;
      this.showKeys(keys, values);
      this.showInfo(info, observed);
    } catch (error) {
      if (generation !== this.generation || load !== this.loads) return;
      this.failed(error, wasOffline);
    }
  }

  /** SH_INFO, and what its answer says about the deadline. */
  private async info(wire: RawWire, token: string): Promise<{ info: Info; observed: Deadline | undefined }> {
    const sentAt = performance.now();
    const body = await call(wire, 'SH_INFO', `{"tkn":${token}}`);
    const answeredAt = performance.now();
    const keyCount = typeof body.keyCnt === 'number' ? body.keyCnt : 0;
    const e = body.expiry;
    if (body.expires !== true || !isObject(e)) return { info: { keyCount, expiry: undefined }, observed: undefined };
    const expiry: ExpiryInfo = {
      remaining: Number(e.remaining ?? 0),
      duration: Number(e.duration ?? 0),
      deleteSession: e.deleteSession === true,
      extendOnSetAdd: e.extendOnSetAdd === true,
      extendOnGet: e.extendOnGet === true,
    };
    // remaining = floor(seconds left) when the server read it, somewhere between send and reply.
    const observed = { earliest: sentAt + expiry.remaining * 1000, latest: answeredAt + (expiry.remaining + 1) * 1000 };
    return { info: { keyCount, expiry }, observed };
  }

  private failed(error: unknown, wasOffline: boolean): void {
    this.stop();
    if (error instanceof StatusError && error.status === 100) {
      const state = this.state;
      // Expired: it was seen alive and counting (or already said so). "Expired" stays.
      const expired = state === 'expired' || (!wasOffline && this.seenAlive && (state === 'live' || state === 'checking'));
      this.showKeys([], {});
      this.view.settings.textContent = '';
      if (expired) {
        this.view.countdown.textContent = 'expired';
        this.show('expired', 'Expired: the session and its keys are gone (SH_INFO answers 100, SessionNotExist).');
      } else {
        this.view.countdown.textContent = '—';
        this.show(
          'gone',
          wasOffline
            ? 'Gone: after the reconnect the server no longer has this session (it expired, or the server restarted).'
            : 'No such session (100, SessionNotExist): it expired, was ended, or the token is wrong.',
        );
      }
      return;
    }
    this.show('error', `Could not read the session: ${error instanceof Error ? error.message : String(error)}`);
  }

  private showInfo(info: Info, observed: Deadline | undefined): void {
    const count = `${info.keyCount} ${info.keyCount === 1 ? 'key' : 'keys'}`;
    const { expiry } = info;
    if (expiry === undefined || observed === undefined) {
      this.stop();
      this.hint = undefined;
      this.view.countdown.textContent = 'never expires';
      this.view.settings.textContent = '';
      this.show('live', `Session found: ${count}, never expires.`);
      return;
    }
    this.deleteOnExpiry = expiry.deleteSession;
    const extends_ = [expiry.extendOnSetAdd && 'set/add', expiry.extendOnGet && 'get'].filter(Boolean).join(' and ');
    this.view.settings.textContent =
      `Duration ${expiry.duration} s; on expiry ${expiry.deleteSession ? 'the session is deleted' : 'its keys are deleted, the session stays'}` +
      (extends_ ? `; each ${extends_} restarts it.` : '.');
    this.show('live', `Session found: ${count}.`);
    const hinted = this.hint === undefined ? undefined : intersect(observed, this.hint);
    this.hint = undefined;
    this.countTo(hinted ?? observed);
  }

  /** Counts down to a deadline, narrowing it first if it is not yet precise. */
  private countTo(deadline: Deadline): void {
    this.stop();
    this.rechecks = 0;
    this.refines = 0;
    this.deadline = deadline;
    this.tick();
    this.ticker = setInterval(() => this.tick(), TICK_MS);
    if (deadline.latest - deadline.earliest > PRECISE_MS)
      this.timer = setTimeout(() => void this.refine(this.generation, this.loads), REFINE_MS);
  }

  /** Asks SH_INFO again: when `remaining` ticks down between two answers, the deadline is known. */
  private async refine(generation: number, load: number): Promise<void> {
    this.timer = undefined;
    const wire = this.wire();
    if (wire === undefined || this.token === undefined || this.deadline === undefined) return;
    let observed: Deadline | undefined;
    try {
      observed = (await this.info(wire, this.token)).observed;
    } catch {
      return; // the countdown carries on; at 0 the check says what happened
    }
    if (generation !== this.generation || load !== this.loads || this.deadline === undefined || observed === undefined) return;
    // Empty: the session was extended meanwhile (a new period); start again from this answer.
    this.deadline = intersect(this.deadline, observed) ?? observed;
    if (this.deadline.latest - this.deadline.earliest > PRECISE_MS && ++this.refines < MAX_REFINES && this.ticker !== undefined) {
      this.timer = setTimeout(() => void this.refine(generation, load), REFINE_MS);
    }
  }

  private tick(): void {
    if (this.deadline === undefined) return;
    const left = (this.deadline.earliest + this.deadline.latest) / 2 - performance.now();
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
    const wire = this.wire();
    if (wire === undefined || this.token === undefined) return;
    const load = ++this.loads;
    let result: { info: Info; observed: Deadline | undefined };
    try {
      result = await this.info(wire, this.token);
    } catch (error) {
      if (generation === this.generation && load === this.loads) this.failed(error, false);
      return;
    }
    if (generation !== this.generation || load !== this.loads) return;
    const { info, observed } = result;
    if (info.expiry === undefined) {
      this.showInfo(info, observed);
      return;
    }
    if (info.expiry.remaining === 0) {
      if (++this.rechecks < MAX_RECHECKS) this.timer = setTimeout(() => void this.check(generation), RECHECK_MS);
      else this.show('error', 'The session is still there after its expiry time.');
      return;
    }
    // A new period: the session was used meanwhile (and extended), or — deleteSession: false —
    // its keys expired and it lives on. Either way, read it again.
    await this.load();
    if (!this.deleteOnExpiry && generation === this.generation && this.state === 'live') {
      this.show('live', `A new expiry period began (on expiry only the keys are deleted). ${this.view.status.textContent ?? ''}`);
    }
  }

  private showKeys(keys: readonly string[], values: Record<string, ExactJsonValue | undefined>): void {
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

  /** Stops the countdown and any pending read. */
  stop(): void {
    if (this.ticker !== undefined) clearInterval(this.ticker);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.ticker = undefined;
    this.timer = undefined;
  }
}

/** The overlap of two deadline intervals, or `undefined` when they do not overlap. */
export function intersect(a: Deadline, b: Deadline): Deadline | undefined {
  const earliest = Math.max(a.earliest, b.earliest);
  const latest = Math.min(a.latest, b.latest);
  return earliest <= latest ? { earliest, latest } : undefined;
}
