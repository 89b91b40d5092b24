import { exportNames } from '@nemesisdb/test-utils';
import { expect, it } from 'vitest';

// What users may import besides the executable. A change to this list is a change to the
// package's public API: review it, update the README, and write a changeset.
it('@nemesisdb/cli exports these names', () => {
  expect(exportNames(new URL('./index.ts', import.meta.url))).toMatchInlineSnapshot(`
    [
      "bodySkeleton",
      "complete",
      "ExitCode",
      "helpFor",
      "helpIndex",
      "historyPath",
      "type Io",
      "openDepth",
      "type Parameter",
      "parametersOf",
      "type ParsedInput",
      "parseInput",
      "prettyJson",
      "readReply",
      "type ReadReply",
      "run",
      "statusLabel",
      "substituteTokens",
      "TokenBook",
    ]
  `);
});
