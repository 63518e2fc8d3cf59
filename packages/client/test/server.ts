/**
 * Real servers for the integration tests: an HTTP server on 127.0.0.1 (port 0), a core manager
 * and `@ws/protocols`' `attach`. Tokens are `good-<user>`; every thread and direct message is
 * allowed. (Redis, free ports and `waitFor` come from `@ws/testkit`.)
 */
import type { ClusterAdapter, Manager, ManagerOptions, PluginContext } from '@ws/core';
import { createManager, silentLogger } from '@ws/core';
import type { AttachOptions } from '@ws/protocols/ws';
import { attach } from '@ws/protocols/ws';
import type { HttpTransportOptions } from '@ws/protocols/http';
import { httpTransport } from '@ws/protocols/http';
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
  /** Options of the HTTP transport mounted on the same server (`<path>/sse`). */
  readonly http?: Partial<HttpTransportOptions>;
  /** Listen on this port (to restart a server where it was). */
  readonly port?: number;
}

export async function startServer(o: RealServerOptions = {}): Promise<RealServer> {
  // Mounted once the manager exists (it needs the port first, for the cluster's public URL).
  const fallback: { transport?: ReturnType<typeof httpTransport> } = {};
  const http = createServer((req, res) => {
    if (fallback.transport?.handle(req, res) === true) return;
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
  const authenticate = (_req: unknown, token: string | undefined): { userId: string } | null =>
    token?.startsWith('good-') === true ? { userId: token.slice(5) } : null;
  const handle = attach(manager, {
    server: http,
    authenticate,
    logger: silentLogger(),
    ...o.attach,
  });
  fallback.transport = httpTransport(manager, { authenticate, logger: silentLogger(), ...o.http });
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
        fallback.transport?.close();
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
      })();
      return closing;
    },
  };
}
