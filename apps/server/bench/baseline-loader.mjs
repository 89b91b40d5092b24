// A baseline build for the load bench, measured in the same rounds as the current one:
//
//   git stash && pnpm build && for p in protocol engine server; do cp -r packages/$p/dist packages/$p/dist-baseline; done
//   git stash pop && pnpm build
//   LOAD_BASELINE_NODE_ARGS="--import ./bench/baseline-loader.mjs" node --import tsx bench/load.bench.ts   (in apps/server)
//
// The baseline server then loads every @nemesisdb package that has a `dist-baseline` folder from
// it (the others from their current build). The copies sit inside their package's folder so that
// their own dependencies (zod, ws, …) resolve as for the current build.
import { register } from 'node:module';

register('./baseline-hooks.mjs', import.meta.url);
