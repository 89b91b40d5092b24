// TAP version 14: a plan, one test point per case as it finishes (a YAML block for failures,
// `# SKIP` for skips, `# TODO` for expected failures, which TAP consumers do not count as
// failures), and the summary line as a closing comment.
import type { RunListener } from '../run.js';
import { WRITE_WARNING, summaryLine, type Output } from './output.js';

export function tapReporter(out: Output): RunListener {
  return {
    onStart({ facts, profile, total }) {
      out.write(`TAP version 14\n# nemesisdb-conformance ${facts.url} profile ${profile}\n# ${WRITE_WARNING}\n1..${total}\n`);
    },
    onCaseEnd(result, index) {
      const name = `${result.case.id} - ${escapeDescription(result.case.title)}`;
      if (result.status === 'passed') out.write(`ok ${index + 1} - ${name}\n`);
      else if (result.status === 'skipped') out.write(`ok ${index + 1} - ${name} # SKIP ${oneLine(result.message ?? '')}\n`);
      else {
        const todo = result.status === 'expected-failure' ? ` # TODO ${oneLine(`expected failure: ${result.expectedFailure ?? ''}`)}` : '';
        out.write(`not ok ${index + 1} - ${name}${todo}\n`);
        out.write('  ---\n');
        out.write(`  message: ${JSON.stringify(result.message ?? '')}\n`);
        out.write(`  at: ${JSON.stringify(`${result.case.file}:${result.line ?? result.case.line}`)}\n`);
        out.write(`  tags: ${JSON.stringify(result.case.tags)}\n`);
        out.write('  ...\n');
      }
    },
    onEnd(summary) {
      out.write(`# ${summaryLine(summary)}\n`);
    },
  };
}

// `#` starts a directive in TAP and a newline would end the line.
function escapeDescription(text: string): string {
  return oneLine(text).replace(/\\/g, '\\\\').replace(/#/g, '\\#');
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
