/**
 * What every one-manager benchmark server does once its manager exists (ours, the soak's, the
 * presence, lifecycle and HTTP API benchmarks' servers): `attach` from `@ws/protocols/ws` on an
 * HTTP server (its own, or one given with routes of its own) on 127.0.0.1 port 0 (path `/ws`,
 * `wsm.v1.json`, the token is the user id), a bounded wait (10 s) for the manager to be ready
 * (at once without a cluster adapter), then the control channel, whose `exit` closes the
 * endpoint, the manager, the HTTP server and what `close` closes (a Redis connection).
 */
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Manager } from '@ws/core';
import { silentLogger } from '@ws/core';
import { attach } from '@ws/protocols/ws';
import type { WsAdapter } from '@ws/protocols/ws';
import type { Handler } from './control.js';
import { serveControl } from './control.js';

export interface ServeOptions {
  /** The HTTP server to attach to; a new one without routes by default. */
  readonly server?: Server;
  /** Called last on `exit` (e.g. disconnects the server's Redis connection). */
  readonly close?: () => void | Promise<void>;
  /** The `ws` adapter of the attach (write batching experiments); `attach`'s default otherwise. */
  readonly adapter?: WsAdapter;
}

export async function serveManager(
  manager: Manager,
  extra: Readonly<Record<string, Handler>>,
  options: ServeOptions = {},
): Promise<void> {
  const server = options.server ?? createServer();
  const endpoint = attach(manager, {
    server,
    path: '/ws',
    logger: silentLogger(),
    authenticate: (_req, token) => (token ? { userId: token } : null),
    ...(options.adapter === undefined ? {} : { adapter: options.adapter }),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && (await manager.health()).status !== 'ready') {
    await new Promise((r) => setTimeout(r, 50));
  }
  serveControl(
    (server.address() as AddressInfo).port,
    async () => {
      await endpoint.close();
      await manager.close({ drain: false });
      server.closeAllConnections();
      server.close();
      await options.close?.();
    },
    extra,
  );
}
