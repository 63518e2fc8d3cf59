/**
 * Real servers for the integration tests: an HTTP server on 127.0.0.1 (port 0), a core manager
 * and `@ws/protocols`' `attach`. Tokens are `good-<user>`; every thread and direct message is
 * allowed. (Redis, free ports and `waitFor` come from `@ws/testkit`.)
 */
import type { ClusterAdapter, Manager, ManagerOptions, PluginContext } from '@ws/core';
import { createManager, silentLogger } from '@ws/core';
import type { AttachOptions } from '@ws/protocols/ws';
import { attach } from '@ws/protocols/ws';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RealServer {
  readonly manager: Manager;
  readonly port: number;
  /** `ws://127.0.0.1:<port>/ws` (no query). */
  readonly url: string;
  /** The manager's plugin context, to reach connections from the test. */
  readonly ctx: PluginContext;
  readonly http: Server;
  /** Stops accepting and closes the manager (drain or not), then the HTTP server. */
  close(options?: { drain?: boolean }): Promise<void>;
}

export interface RealServerOptions {
  readonly manager?: ManagerOptions;
  /** Builds the cluster adapter once the public URL is known. */
  readonly cluster?: (publicUrl: string) => ClusterAdapter;
  readonly attach?: Partial<AttachOptions>;
  /** Listen on this port (to restart a server where it was). */
  readonly port?: number;
}

export async function startServer(o: RealServerOptions = {}): Promise<RealServer> {
  const http = createServer((_req, res) => {
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const url = `ws://127.0.0.1:${port}/ws`;
  const manager = createManager({
    logger: silentLogger(),
    authorizeThread: () => true,
    authorizeDirect: () => true,
    ...(o.cluster === undefined ? {} : { cluster: o.cluster(url) }),
    ...o.manager,
  });
  const ctx = manager.use({ name: 'test-tap', setup: (c: PluginContext) => c });
  const handle = attach(manager, {
    server: http,
    authenticate: (_req, token) =>
      token?.startsWith('good-') === true ? { userId: token.slice(5) } : null,
    logger: silentLogger(),
    ...o.attach,
  });
  let closing: Promise<void> | undefined;
  return {
    manager,
    port,
    url,
    ctx,
    http,
    close(options = {}) {
      closing ??= (async () => {
        await manager.close({ drain: options.drain === true });
        await handle.close();
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
      })();
      return closing;
    },
  };
}
