// The start-up load (docs/reference/protocol.md §11.4): one dataset, read before the server accepts connections.
import { FilePersistence, type Engine, type LoadProgress } from '@nemesisdb/engine';
import type { Logger } from './logging.js';

/** How often progress is logged while a large dataset loads. */
export const PROGRESS_INTERVAL_MS = 2000;

/** A start-up load that failed: the process exits 1 with this message (as upstream does). */
export class StartupLoadError extends Error {
  override readonly name = 'StartupLoadError';
}

const REASONS: Record<string, string> = {
  missing: 'there is no such dataset',
  incomplete: 'its newest save is incomplete',
  damaged: 'a file of its newest save is damaged',
  'wrong-kind': 'its metadata names no known kind of data',
  'bad-name': 'the name is not a valid dataset name',
};

/**
 * Loads dataset `name` from `path` into `engine`: sessions or KV keys, whichever it holds. Logs
 * progress every couple of seconds for large datasets and a summary line at the end.
 */
export async function loadAtStartup(engine: Engine, load: { name: string; path: string }, logger: Logger): Promise<void> {
  let lastLog = Date.now();
  const persistence = new FilePersistence({
    path: load.path,
    enabled: false,
    onLoadProgress: (progress: LoadProgress) => {
      if (Date.now() - lastLog < PROGRESS_INTERVAL_MS) return;
      lastLog = Date.now();
      logger.info(
        {
          dataset: progress.name,
          sessions: progress.sessions,
          keys: progress.keys,
          percent: progress.totalBytes === 0 ? 100 : Math.floor((progress.bytesRead / progress.totalBytes) * 100),
        },
        'loading',
      );
    },
  });
  const started = Date.now();
  const outcome = await persistence.load(load.name, 'any');
  if (!outcome.ok) {
    const detail =
      outcome.detail === undefined ? '' : ` (${outcome.detail}); inspect it with "nemesisdb check-dataset ${load.path}/${load.name}"`;
    throw new StartupLoadError(
      `cannot load dataset "${load.name}" from ${load.path}: ${REASONS[outcome.reason] ?? outcome.reason}${detail}`,
    );
  }
  const { dataset } = outcome;
  let summary: { sessions: number; keys: number };
  if (dataset.kind === 'sessions') {
    summary = await engine.store.sessions.restore(dataset.sessions);
  } else {
    summary = { sessions: 0, keys: await engine.store.kv.restore(dataset.keys) };
  }
  logger.info({ dataset: load.name, kind: dataset.kind, ...summary, durationMs: Date.now() - started }, 'loaded');
}
