/**
 * The stack on Hono with `@hono/node-server`: the WebSocket endpoint (`@ws/protocols`' `attach`
 * on the Node HTTP server `serve` returns), the dashboard and `/metrics` (`@ws/dashboard`'s Node
 * handler given the raw request and response Hono's Node adapter exposes as `c.env`, answered
 * with `RESPONSE_ALREADY_SENT`), the heartbeat, and Hono's own routes beside them.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Manager } from '@ws/core';
import { createManager } from '@ws/core';
import { dashboardHandler } from '@ws/dashboard';
import { heartbeat } from '@ws/heartbeat';
import { apiHandler } from '@ws/http-api';
import { attach } from '@ws/protocols/ws';
import { Hono } from 'hono';
import type { Context } from 'hono';

/** Options of {@link startServer}. */
export interface ExampleOptions {
  /** The port to listen on (0: any free port). @default 3000 */
  readonly port?: number;
  /** The host to listen on. @default '127.0.0.1' */
  readonly host?: string;
  /** The dashboard's admin token (at least 16 characters). */
  readonly adminToken: string;
  /** Client credentials: token -> user id. Your application checks its own (JWT, session). */
  readonly users: ReadonlyMap<string, string>;
  /** The HTTP API's key (at least 16 characters): `@ws/http-api` is mounted at `/api` with it. */
  readonly apiKey: string;
}

/** A running example. */
export interface ExampleServer {
  readonly manager: Manager;
  /** `http://<host>:<port>`. */
  readonly url: string;
  /** Drains the manager, then stops the HTTP server. */
  close(): Promise<void>;
}

/** Starts Hono on Node with the stack mounted on it. */
export async function startServer(options: ExampleOptions): Promise<ExampleServer> {
  const manager = createManager({ authorizeThread: () => true, authorizeDirect: () => true });
  manager.use(heartbeat());

  const app = new Hono<{ Bindings: HttpBindings }>();
  app.get('/hello', (c) => c.json({ hello: 'from hono' }));
  const dashboard = dashboardHandler(manager, { auth: { token: options.adminToken } });
  const toDashboard = (c: Context<{ Bindings: HttpBindings }>): Response => {
    dashboard(c.env.incoming, c.env.outgoing); // writes the raw response itself
    return RESPONSE_ALREADY_SENT;
  };
  const api = apiHandler(manager, { keys: [{ name: 'example', key: options.apiKey }] });
  const toApi = (c: Context<{ Bindings: HttpBindings }>): Response => {
    api(c.env.incoming, c.env.outgoing); // reads the body and writes the raw response itself
    return RESPONSE_ALREADY_SENT;
  };
  app.all('/api/*', toApi);
  app.all('/dashboard', toDashboard);
  app.all('/dashboard/*', toDashboard);
  app.get('/metrics', toDashboard);

  const http = await new Promise<Server>((resolve) => {
    const s = serve(
      { fetch: app.fetch, port: options.port ?? 3000, hostname: options.host ?? '127.0.0.1' },
      () => resolve(s as Server),
    );
  });
  const endpoint = attach(manager, {
    server: http,
    path: '/ws',
    authenticate: (_req, token) => {
      const userId = token === undefined ? undefined : options.users.get(token);
      return userId === undefined ? null : { userId };
    },
  });
  const { address, port } = http.address() as AddressInfo;
  return {
    manager,
    url: `http://${address}:${port}`,
    async close() {
      await manager.close({ drain: true, timeoutMs: 1000 });
      await endpoint.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
