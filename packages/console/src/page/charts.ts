// The server view's charts, drawn by uPlot (a small, fast, well-kept canvas chart library: about
// 50 KB minified, no dependencies). This module is a separate chunk, loaded only when the server
// view is first opened, so the page's first load does not carry it.

import uPlot from 'uplot';
import type { ServerPoint } from './server-stats.js';

export interface ChartSeries {
  label: string;
  /** A colour property of console.css (`--chart-1`), so the colours follow light and dark. */
  color: string;
  value: (point: ServerPoint) => number | null;
}

export interface ChartSpec {
  id: string;
  title: string;
  unit: string;
  series: ChartSeries[];
  /** Name the series in the current values (`kv 3 · sessions 2`); off: `161 / 64`, names in the tooltip. */
  labelled?: boolean;
}

export interface Charts {
  update(points: readonly ServerPoint[]): void;
  destroy(): void;
}

const HEIGHT = 84;

/**
 * A colour of console.css (`--chart-1`) as the page shows it now, light or dark, as `rgba(…)`:
 * resolved through an element, because the properties hold `light-dark(…)` pairs that only a
 * property using them (here `color`) turns into one colour.
 */
function cssColor(name: string, alpha = 1): string {
  const probe = document.createElement('span');
  probe.hidden = true;
  probe.style.color = `var(${name})`;
  document.body.append(probe);
  const channels = getComputedStyle(probe).color.match(/[\d.]+/g);
  probe.remove();
  if (channels === null || channels.length < 3) return '#888';
  return `rgba(${channels[0]}, ${channels[1]}, ${channels[2]}, ${alpha})`;
}

export function mountCharts(container: HTMLElement, specs: readonly ChartSpec[]): Charts {
  const plots = specs.map((spec) => {
    const figure = document.createElement('figure');
    figure.className = 'chart';
    figure.id = `chart-${spec.id}`;
    const caption = document.createElement('figcaption');
    const title = document.createElement('span');
    title.textContent = spec.title;
    const now = document.createElement('span');
    now.className = 'chart-now';
    caption.append(title, now);
    const holder = document.createElement('div');
    holder.className = 'chart-canvas';
    holder.setAttribute('role', 'img');
    holder.setAttribute('aria-label', `${spec.title}, last minutes`);
    figure.append(caption, holder);
    container.append(figure);
    const axis = {
      stroke: cssColor('--muted'),
      grid: { stroke: cssColor('--line'), width: 1 },
      ticks: { stroke: cssColor('--line'), width: 1 },
      font: '10px system-ui, sans-serif',
      size: 28,
    };
    const plot = new uPlot(
      {
        width: Math.max(100, holder.clientWidth || 200),
        height: HEIGHT,
        legend: { show: false },
        cursor: { drag: { x: false, y: false }, points: { size: 5 } },
        padding: [6, 14, 0, 0],
        // At least 30 s wide, so that the first points do not fill the chart.
        scales: {
          x: { time: true, range: (_u, min, max) => [Math.min(min, max - 30), max] },
          y: { range: (_u, min, max) => [0, Math.max(1, max * 1.15, min)] },
        },
        axes: [
          { ...axis, space: 70, values: (_u, ticks) => ticks.map((t) => new Date(t * 1000).toTimeString().slice(0, 8)) },
          { ...axis, size: 42, values: (_u, ticks) => ticks.map((t) => compact(t)) },
        ],
        series: [
          {},
          ...spec.series.map((s) => ({
            label: s.label,
            stroke: cssColor(s.color),
            width: 1.5,
            fill: cssColor(s.color, 0.13),
            points: { show: false },
          })),
        ],
      },
      [[], ...spec.series.map(() => [])],
      holder,
    );
    return { spec, plot, holder, now, figure };
  });

  const resize = new ResizeObserver(() => {
    for (const { plot, holder } of plots) plot.setSize({ width: Math.max(100, holder.clientWidth), height: HEIGHT });
  });
  for (const { holder } of plots) resize.observe(holder);

  return {
    update(points) {
      const xs = points.map((point) => point.t);
      const last = points[points.length - 1];
      for (const { spec, plot, now, figure } of plots) {
        plot.setData([xs, ...spec.series.map((s) => points.map((point) => s.value(point)))] as uPlot.AlignedData);
        figure.dataset.points = String(points.length);
        const values = last === undefined ? [] : spec.series.map((s) => ({ label: s.label, value: s.value(last) }));
        const shown = values.map(({ value }) => (value === null ? '–' : compact(value)));
        const labelled = spec.labelled !== false && spec.series.length > 1;
        now.textContent =
          last === undefined
            ? ''
            : (labelled ? values.map(({ label }, i) => `${label} ${shown[i]}`).join(' · ') : shown.join(' / ')) + spec.unit;
        now.title = values.map(({ label }, i) => `${label}: ${shown[i]}${spec.unit}`).join(', ');
      }
    },
    destroy() {
      resize.disconnect();
      for (const { plot } of plots) plot.destroy();
    },
  };
}

/** 1234 → "1.2k", 0.25 → "0.25", 42 → "42". */
export function compact(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toFixed(abs >= 1e7 ? 0 : 1)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(0)}k`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  if (Number.isInteger(value)) return String(value);
  return abs >= 10 ? value.toFixed(0) : value.toFixed(abs >= 1 ? 1 : 2);
}
