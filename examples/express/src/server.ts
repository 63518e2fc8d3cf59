/**
 * The stack on Express 5: the WebSocket endpoint (`@ws/protocols`' `attach` on the HTTP server
 * Express listens with), the dashboard and `/metrics` (`@ws/dashboard`'s handler as Express
 * middleware), the heartbeat, and Express's own routes beside them.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Manager } from '@ws/core';
import { createManager } from '@ws/core';
import { dashboardHandler } from '@ws/dashboard';
import { heartbeat } from '@ws/heartbeat';
import { apiHandler } from '@ws/http-api';
import { attach } from '@ws/protocols/ws';
import express from 'express';

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

/** Starts Express with the stack mounted on it. */
export async function startServer(options: ExampleOptions): Promise<ExampleServer> {
  const manager = createManager({ authorizeThread: () => true, authorizeDirect: () => true });
  manager.use(heartbeat());

  const app = express();
  app.get('/hello', (_req, res) => {
    res.json({ hello: 'from express' });
  });
  // Answers /dashboard, /dashboard/* and /metrics; calls next() for every other path.
  app.use(dashboardHandler(manager, { auth: { token: options.adminToken } }));
  // Answers /api/* (publish, send, broadcast, disconnect, reads), ahead of any body parser.
  app.use(apiHandler(manager, { keys: [{ name: 'example', key: options.apiKey }] }));

  const http: Server = await new Promise((resolve) => {
    const s = app.listen(options.port ?? 3000, options.host ?? '127.0.0.1', () => resolve(s));
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
