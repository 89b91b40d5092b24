// One NemesisDB server for the bench, in its own process (so the load generator does not share
// its event loop): `--store memory`, or `--store redis --nodes host:port,… --prefix P`. Prints
// its URL on stdout once listening; SIGTERM stops it.
import { parseArgs } from 'node:util';
import { Engine } from '@nemesisdb/engine';
import { startServer } from '@nemesisdb/server';
import { RedisStore, parseNodes } from '../src/index.js';

const { values } = parseArgs({ options: { store: { type: 'string' }, nodes: { type: 'string' }, prefix: { type: 'string' } } });

let engine: Engine;
if (values.store === 'redis') {
  const store = new RedisStore({ nodes: parseNodes(values.nodes ?? ''), keyPrefix: values.prefix });
  await store.ready();
  engine = new Engine({ store });
} else {
  engine = new Engine();
}
const server = await startServer({ engine, host: '127.0.0.1', port: 0 });
process.stdout.write(`${server.url}\n`);
process.once('SIGTERM', () => {
  void server
    .close()
    .then(() => engine.close())
    .finally(() => process.exit(0));
});
