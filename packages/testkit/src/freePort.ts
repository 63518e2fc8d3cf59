import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/** The port of a developer's own Redis: never handed out, even if the OS offers it. */
const REDIS_DEFAULT_PORT = 6379;

function askOs(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago (asked from the OS with port 0, never 6379).
 * Another process may take it before the caller listens: callers that can, retry on `EADDRINUSE`.
 */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 10; i++) {
    const port = await askOs();
    if (port !== REDIS_DEFAULT_PORT) return port;
  }
  throw new Error('no free port on 127.0.0.1 after 10 tries');
}
