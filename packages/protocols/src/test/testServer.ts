/** A real HTTP server on 127.0.0.1 (port 0) with a real core manager attached through `attach`. */
import type { Manager, ManagerOptions } from '@ws/core';
import { createManager, silentLogger } from '@ws/core';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AttachHandle, AttachOptions } from '../ws/index.js';
import { attach } from '../ws/index.js';

/** Default test authentication: `Bearer good-<user>` or `?token=good-<user>`. */
export function testAuthenticate(
  _req: IncomingMessage,
  token: string | undefined,
): { userId: string } | null {
  return token?.startsWith('good-') === true ? { userId: token.slice(5) } : null;
}

export interface TestServer {
  readonly server: Server;
  readonly manager: Manager;
  readonly handle: AttachHandle;
  readonly port: number;
  /** `ws://127.0.0.1:<port><path>` with the query. */
  url(query?: string, path?: string): string;
  close(): Promise<void>;
}

export async function startServer(
  managerOptions: ManagerOptions = {},
  attachOptions: Partial<AttachOptions> = {},
): Promise<TestServer> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    res.end('ok');
  });
  const manager = createManager({ logger: silentLogger(), ...managerOptions });
  const handle = attach(manager, {
    server,
    authenticate: testAuthenticate,
    logger: silentLogger(),
    ...attachOptions,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    manager,
    handle,
    port,
    url: (query = 'token=good-alice', path = handle.path) =>
      `ws://127.0.0.1:${port}${path}${query ? `?${query}` : ''}`,
    async close() {
      await handle.close();
      await manager.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
