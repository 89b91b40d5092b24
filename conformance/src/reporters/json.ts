// One JSON document at the end of the run (progress goes elsewhere, see the CLI).
import type { RunListener } from '../run.js';
import type { Case } from '../types.js';
import { endOfRunReporter, type Output } from './output.js';

export function jsonReporter(out: Output): RunListener {
  return endOfRunReporter((start, summary, results) => {
    const document = {
      tool: 'nemesisdb-conformance',
      url: start?.facts.url ?? null,
      profile: start?.profile ?? null,
      server: start ? { serverVersion: start.facts.serverVersion, persistEnabled: start.facts.persistEnabled } : null,
      settings: start ? { maxPayload: start.settings.maxPayload, persistence: start.settings.persistence } : null,
      warnings: start?.warnings ?? [],
      leftOut: start?.leftOut ?? 0,
      summary,
      cases: results.map((r) => ({
        ...caseInfo(r.case),
        status: r.status,
        durationMs: r.durationMs,
        ...(r.message === undefined ? {} : { message: r.message }),
        ...(r.line === undefined ? {} : { failedLine: r.line }),
        ...(r.expectedFailure === undefined ? {} : { expectedFailure: r.expectedFailure }),
        ...(r.unexpectedPass ? { unexpectedPass: true } : {}),
      })),
    };
    out.write(`${JSON.stringify(document, null, 2)}\n`);
  });
}

function caseInfo(c: Case): { id: string; title: string; file: string; line: number; tags: readonly string[] } {
  return { id: c.id, title: c.title, file: c.file, line: c.line, tags: c.tags };
}
