// The report formats by name, and how to combine several listeners into one.
import type { RunListener } from '../run.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import { markdownReporter } from './markdown.js';
import type { Output } from './output.js';
import { prettyReporter } from './pretty.js';
import { tapReporter } from './tap.js';

export const REPORTERS = ['pretty', 'json', 'tap', 'junit', 'markdown'] as const;
export type ReporterName = (typeof REPORTERS)[number];

export function createReporter(name: ReporterName, out: Output): RunListener {
  switch (name) {
    case 'pretty':
      return prettyReporter(out);
    case 'json':
      return jsonReporter(out);
    case 'tap':
      return tapReporter(out);
    case 'junit':
      return junitReporter(out);
    case 'markdown':
      return markdownReporter(out);
  }
}

/** Calls every listener in turn. */
export function combineListeners(...listeners: RunListener[]): RunListener {
  return {
    onStart: (info) => listeners.forEach((l) => l.onStart?.(info)),
    onCaseStart: (c, index, total) => listeners.forEach((l) => l.onCaseStart?.(c, index, total)),
    onCaseEnd: (result, index, total) => listeners.forEach((l) => l.onCaseEnd?.(result, index, total)),
    onEnd: (summary, results) => listeners.forEach((l) => l.onEnd?.(summary, results)),
  };
}
