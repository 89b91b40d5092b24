import { createServer } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, for a server that cannot listen on port 0
 * and say which port it got (the C++ v0.7.4 reference reads its port from a config file). Our own
 * app binds port 0 instead (`startApp`); a caller of this retries when another process takes the
 * port first.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
