import { expectPublicApi } from '@nemesisdb/test-utils';
import { describe, it } from 'vitest';

// What users may import, entry by entry, against the reports in api/. A failure here means the
// public API changed: if that is meant, review the diff, run `vitest -u` and write a changeset.
describe('@nemesisdb/console public API', () => {
  it('index', () => expectPublicApi(new URL('./index.ts', import.meta.url), new URL('../api/index.txt', import.meta.url)));
});
