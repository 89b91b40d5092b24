import { nodeLibrary } from '../../tooling/tsup.base.js';

// `codec` is the schema-free entry (`@nemesisdb/protocol/codec`): codec and statuses, no zod.
// `ws-fast-receiver` is Node only (Buffers), for the server and the Node SDK.
export default nodeLibrary({ index: 'src/index.ts', codec: 'src/codec.ts', 'ws-fast-receiver': 'src/ws-fast-receiver.ts' });
