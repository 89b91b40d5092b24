import { nodeLibrary } from '../../tooling/tsup.base.js';

// `codec` is the schema-free entry (`@nemesisdb/protocol/codec`): codec and statuses, no zod.
export default nodeLibrary({ index: 'src/index.ts', codec: 'src/codec.ts' });
