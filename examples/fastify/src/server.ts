/**
 * The stack on Fastify 5: the WebSocket endpoint (`@ws/protocols`' `attach` on `app.server`,
 * Fastify's own Node HTTP server), the dashboard and `/metrics` (`@ws/dashboard`'s Node handler
 * behind `reply.hijack()`, with the body Fastify parsed), the heartbeat, and Fastify's own routes
 * beside them.
 */
import type { AddressInfo } from 'node:net';
import type { Manager } from '@ws/core';
import { createManager } from '@ws/core';
import { dashboardHandler } from '@ws/dashboard';
import { heartbeat } from '@ws/heartbeat';
import { apiHandler } from '@ws/http-api';
import { attach } from '@ws/protocols/ws';
import Fastify from 'fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';

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
  /** Drains the manager, then stops Fastify. */
  close(): Promise<void>;
}

/** Starts Fastify with the stack mounted on it. */
export async function startServer(options: ExampleOptions): Promise<ExampleServer> {
  const manager = createManager({ authorizeThread: () => true, authorizeDirect: () => true });
  manager.use(heartbeat());

  const app = Fastify();
  app.get('/hello', () => ({ hello: 'from fastify' }));
  const dashboard = dashboardHandler(manager, { auth: { token: options.adminToken } });
  const toDashboard = (request: FastifyRequest, reply: FastifyReply): void => {
    reply.hijack(); // the handler writes the raw response itself
    dashboard(Object.assign(request.raw, { body: request.body }), reply.raw);
  };
  // The HTTP API reads the body itself: handed the raw request before Fastify parses it.
  const api = apiHandler(manager, { keys: [{ name: 'example', key: options.apiKey }] });
  app.addHook('onRequest', (request, reply, done) => {
    if (api(request.raw, reply.raw)) reply.hijack();
    else done();
  });
  app.all('/dashboard', toDashboard);
  app.all('/dashboard/*', toDashboard);
  app.get('/metrics', toDashboard);

  await app.listen({ port: options.port ?? 3000, host: options.host ?? '127.0.0.1' });
  const endpoint = attach(manager, {
    server: app.server,
    path: '/ws',
    authenticate: (_req, token) => {
      const userId = token === undefined ? undefined : options.users.get(token);
      return userId === undefined ? null : { userId };
    },
  });
  const { address, port } = app.server.address() as AddressInfo;
  return {
    manager,
    url: `http://${address}:${port}`,
    async close() {
      await manager.close({ drain: true, timeoutMs: 1000 });
      await endpoint.close();
      app.server.closeAllConnections();
      await app.close();
    },
  };
}
