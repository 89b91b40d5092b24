import { defineConfig } from 'tsup';

export default defineConfig({
  // `codec` is the schema-free entry (`@nemesisdb/protocol/codec`): codec and statuses, no zod.
  entry: { index: 'src/index.ts', codec: 'src/codec.ts' },
  format: ['esm'],
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
});
