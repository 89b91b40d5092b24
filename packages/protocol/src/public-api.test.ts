import { expectPublicApi } from '@nemesisdb/test-utils';
import { describe, it } from 'vitest';

// What users may import, entry by entry, against the reports in api/. A failure here means the
// public API changed: if that is meant, review the diff, run `vitest -u` and write a changeset.
describe('@nemesisdb/protocol public API', () => {
  it('index', () => expectPublicApi(new URL('./index.ts', import.meta.url), new URL('../api/index.txt', import.meta.url)));
  it('codec', () => expectPublicApi(new URL('./codec.ts', import.meta.url), new URL('../api/codec.txt', import.meta.url)));
  it('ws-fast-receiver', () =>
    expectPublicApi(new URL('./ws-fast-receiver.ts', import.meta.url), new URL('../api/ws-fast-receiver.txt', import.meta.url)));
});
