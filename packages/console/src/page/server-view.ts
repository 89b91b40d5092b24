// The server view: the server's version and settings, and live charts of the last five minutes —
// requests/s, latency, sessions, keys, connections, memory — from `GET /health` and
// `GET /metrics` (with the bearer token when the server requires one), polled every 2 s while the
// view is open and the tab visible. The charts (uPlot) load on first opening (charts.ts).

import { decode } from '@nemesisdb/protocol/codec';
import type { Charts, ChartSpec } from './charts.js';
import { serverFetch, type Connection } from './connection.js';
import { parseMetrics } from './prometheus.js';
import { call } from './reads.js';
import { ServerStats } from './server-stats.js';

export const POLL_MS = 2_000;

const CHARTS: ChartSpec[] = [
  {
    id: 'requests',
    title: 'Requests/s',
    unit: '',
    series: [{ label: 'requests/s', color: '--chart-1', value: (p) => p.requestsPerSecond }],
  },
  { id: 'latency', title: 'Latency (mean)', unit: ' µs', series: [{ label: 'µs', color: '--chart-2', value: (p) => p.latencyUs }] },
  { id: 'sessions', title: 'Sessions', unit: '', series: [{ label: 'sessions', color: '--chart-3', value: (p) => p.sessions }] },
  {
    id: 'keys',
    title: 'Keys',
    unit: '',
    series: [
      { label: 'kv', color: '--chart-4', value: (p) => p.kvKeys },
      { label: 'sessions', color: '--chart-3', value: (p) => p.sessionKeys },
    ],
  },
  {
    id: 'connections',
    title: 'Connections',
    unit: '',
    series: [{ label: 'connections', color: '--chart-5', value: (p) => p.connections }],
  },
  {
    id: 'memory',
    title: 'Memory',
    unit: ' MiB',
    labelled: false,
    series: [
      { label: 'RSS', color: '--chart-2', value: (p) => p.rssMiB },
      { label: 'heap', color: '--chart-1', value: (p) => p.heapMiB },
    ],
  },
];

/** /health members shown in the facts list by the view itself (the rest are shown as they come). */
const KNOWN = new Set(['status', 'version', 'uptime', 'connections', 'sessions', 'keys', 'sessionKeys']);

function formatUptime(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s} s` : `${s} s`;
}

function describe(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value as Record<string, unknown>)
      .map(([key, inner]) => `${key}: ${typeof inner === 'object' && inner !== null ? JSON.stringify(inner) : String(inner)}`)
      .join(', ');
  }
  return String(value);
}

export class ServerView {
  private stats = new ServerStats();
  private charts: Charts | undefined;
  private loading: Promise<void> | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private persistence: string | undefined;
  private protocolVersion: string | undefined;

  constructor(
    private readonly panel: HTMLElement,
    private readonly facts: HTMLElement,
    private readonly chartsBox: HTMLElement,
    private readonly note: HTMLElement,
    private readonly connection: Connection,
  ) {}

  get isOpen(): boolean {
    return this.timer !== undefined;
  }

  open(): void {
    this.panel.hidden = false;
    if (this.timer !== undefined) return;
    this.loading ??= import('./charts.js').then(({ mountCharts }) => {
      const mount = () => {
        this.charts?.destroy();
        this.chartsBox.replaceChildren();
        this.charts = mountCharts(this.chartsBox, CHARTS);
        this.charts.update(this.stats.points);
      };
      mount();
      // Canvas colours are read when a chart is made: light ↔ dark makes them again.
      matchMedia('(prefers-color-scheme: dark)').addEventListener('change', mount);
    });
    this.timer = setInterval(() => void this.poll(), POLL_MS);
    void this.poll();
  }

  close(): void {
    this.panel.hidden = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** After a reconnect: settings may have changed (another server, or restarted with other ones). */
  reconnected(): void {
    this.persistence = undefined;
    this.protocolVersion = undefined;
    if (this.isOpen) void this.poll();
  }

  private async poll(): Promise<void> {
    if (document.hidden) return;
    const token = this.connection.bearer;
    const at = Date.now();
    let health: Record<string, unknown>;
    let metricsText: string;
    try {
      const [healthResponse, metricsResponse] = await Promise.all([serverFetch('health', token), serverFetch('metrics', token)]);
      const decoded = decode(await healthResponse.text());
      health = typeof decoded === 'object' && decoded !== null && !Array.isArray(decoded) ? (decoded as Record<string, unknown>) : {};
      metricsText = metricsResponse.ok ? await metricsResponse.text() : '';
      this.note.textContent = metricsResponse.ok
        ? ''
        : `GET /metrics answered ${metricsResponse.status}: the charts need the server's token.`;
    } catch {
      this.note.textContent = 'The server does not answer: the charts resume when it is back.';
      return;
    }
    await this.readSettings();
    this.stats.add(at, health, parseMetrics(metricsText));
    this.showFacts(health);
    await this.loading;
    this.charts?.update(this.stats.points);
    this.panel.dataset.polls = String((Number(this.panel.dataset.polls ?? '0') || 0) + 1);
  }

  /** SV_INFO, once per connection: the protocol version and whether persistence is on. */
  private async readSettings(): Promise<void> {
    if (this.persistence !== undefined || !this.connection.reads.open) return;
    try {
      const info = await call(this.connection.reads, 'SV_INFO', '{}');
      this.persistence = info.persistEnabled === true ? 'enabled (KV_SAVE, SH_SAVE)' : 'off';
      this.protocolVersion = typeof info.serverVersion === 'string' ? `NemesisDB ${info.serverVersion}` : undefined;
    } catch {
      // shown as unknown
    }
  }

  private showFacts(health: Record<string, unknown>): void {
    const rows: [string, string][] = [];
    if (health.version !== undefined) rows.push(['Version', String(health.version)]);
    if (this.protocolVersion !== undefined) rows.push(['Protocol', this.protocolVersion]);
    if (health.status !== undefined) rows.push(['Status', String(health.status)]);
    if (typeof health.uptime === 'number') rows.push(['Up', formatUptime(health.uptime)]);
    rows.push(['Persistence', this.persistence ?? 'unknown']);
    // Whatever else the server reports (journal, store, …), as it reports it.
    for (const [key, value] of Object.entries(health)) {
      if (!KNOWN.has(key)) rows.push([key.charAt(0).toUpperCase() + key.slice(1), describe(value)]);
    }
    // What needs attention stands out: a status other than ok (degraded: the journal cannot be
    // written), a part whose state is not ok.
    const alarming = (term: string, detail: string) =>
      (term === 'Status' && detail !== 'ok') || (/\bstate: /.test(detail) && !/\bstate: ok\b/.test(detail));
    const nodes = rows.flatMap(([term, detail]) => {
      const dt = document.createElement('dt');
      dt.textContent = term;
      const dd = document.createElement('dd');
      dd.textContent = detail;
      if (alarming(term, detail)) dd.className = 'alarm';
      return [dt, dd];
    });
    this.facts.replaceChildren(...nodes);
  }
}
