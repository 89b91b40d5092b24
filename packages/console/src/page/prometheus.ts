// Reading the server's `GET /metrics` (Prometheus text format 0.0.4) into numbers. Only what the
// server view needs: samples by name with their labels; comments (but for TYPE) and timestamps
// are skipped.
// Pure, tested in Node against a real server's output.

export interface Sample {
  labels: Readonly<Record<string, string>>;
  value: number;
}

/** Metric samples by name (`nemesisdb_commands_total`, `…_bucket`, …). */
export type Metrics = ReadonlyMap<string, readonly Sample[]>;

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function parseValue(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text); // NaN for "NaN" and for anything unreadable
}

export function parseMetrics(text: string): Metrics {
  const metrics = new Map<string, Sample[]>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      // A declared metric with no samples yet (a counter nothing has counted) is there, at 0.
      const declared = /^#\s*TYPE\s+(\S+)\s+(counter|gauge)\b/.exec(line)?.[1];
      if (declared !== undefined && !metrics.has(declared)) metrics.set(declared, []);
      continue;
    }
    const match = LINE.exec(line);
    if (match === null) continue;
    const [, name, labelText, value] = match;
    const labels: Record<string, string> = {};
    for (const [, key, escaped] of (labelText ?? '').matchAll(LABEL)) {
      labels[key!] = escaped!.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    }
    let samples = metrics.get(name!);
    if (samples === undefined) metrics.set(name!, (samples = []));
    samples.push({ labels, value: parseValue(value!) });
  }
  return metrics;
}

/** The sum of a metric's samples (all labels), or `undefined` when the server has no such metric. */
export function total(metrics: Metrics, name: string, where: (labels: Sample['labels']) => boolean = () => true): number | undefined {
  const samples = metrics.get(name);
  if (samples === undefined) return undefined;
  return samples.filter((sample) => where(sample.labels)).reduce((sum, sample) => sum + sample.value, 0);
}
