import { createServer } from 'node:http';
import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createManager } from '@ws/core';
import type { ClusterAdapter, Logger, Manager } from '@ws/core';
import { dashboardHandler } from '@ws/dashboard';
import { heartbeat } from '@ws/heartbeat';
import { apiHandler } from '@ws/http-api';
import type { ApiHandler } from '@ws/http-api';
import { httpTransport } from '@ws/protocols/http';
import type { HttpTransport } from '@ws/protocols/http';
import { attach } from '@ws/protocols/ws';
import { memoryRateLimitStore, quality, rateLimitGate, redisRateLimitStore } from '@ws/quality';
import { redisCluster } from '@ws/scaling-redis';
import { Redis } from 'ioredis';
import { createAccessRules } from './access.js';
import type { DemoConfig } from './config.js';
import { chatMessageProblem, contract } from './contract.js';
import { createRoutes } from './http.js';
import { createTokenService } from './token.js';
import { buildWebBundle } from './webBundle.js';

/** Where the HTTP API (`@ws/http-api`) is mounted when `API_KEYS` is set. */
export const API_PATH = '/api/v1';

/** A running demo instance. */
export interface DemoServer {
  /** `embedded` (one process, core's local adapter) or `redis` (`@ws/scaling-redis`). */
  readonly mode: 'embedded' | 'redis';
  /** The port it listens on. */
  readonly port: number;
  /** The public HTTP base URL (`PUBLIC_URL`, else `http://localhost:<port>`). */
  readonly publicUrl: string;
  /** The WebSocket URL advertised to peers (drain hints send clients here). */
  readonly wsUrl: string;
  /** The HTTP API's base URL (`<publicUrl>/api/v1`), or `undefined` without `API_KEYS`. */
  readonly apiUrl: string | undefined;
  readonly manager: Manager;
  /** Whether `close` has begun. */
  readonly draining: boolean;
  /**
   * Stops accepting, drains (a `reconnect` hint naming a peer, then `CloseCode.serviceRestart`)
   * or closes every connection (`CloseCode.goingAway`), closes the HTTP server and the Redis
   * client. Idempotent.
   */
  close(options?: { readonly drain?: boolean }): Promise<void>;
}

/** Options of {@link startDemo} beyond the environment. */
export interface StartOptions {
  /**
   * Where the libraries log.
   * @default core's consoleLogger (warnings and errors)
   */
  readonly logger?: Logger;
  /**
   * Drain figures (core's `drain` option).
   * @default core's managerDefaults.drain
   */
  readonly drain?: {
    readonly ratePerSecond?: number;
    readonly spreadMs?: number;
    readonly timeoutMs?: number;
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts the demo: HTTP server, `/ws`, the plugins and, with `REDIS_URL`, the Redis cluster adapter. */
export async function startDemo(
  config: DemoConfig,
  options: StartOptions = {},
): Promise<DemoServer> {
  const script = await buildWebBundle();
  // The routes need the manager, which needs the port (PUBLIC_URL default): listen first.
  const handler: { routes?: RequestListener; fallback?: HttpTransport } = {};
  const server = createServer((req, res) => {
    // The HTTP transport first (`/ws/sse`, `/ws/sse/<id>`): for networks that block WebSocket.
    if (handler.fallback?.handle(req, res) === true) return;
    if (handler.routes === undefined) {
      res.writeHead(503, { 'retry-after': '1' }).end('starting');
      return;
    }
    handler.routes(req, res);
  });
  const port = await listen(server, config.port, config.host);
  const publicUrl = config.publicUrl ?? `http://localhost:${port}`;
  const wsUrl = `${publicUrl.replace(/^http/, 'ws')}/ws`;

  const redis =
    config.redisUrl === undefined
      ? undefined
      : new Redis(config.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 3000 });
  redis?.on('error', () => {
    // ioredis reconnects by itself; health and /readyz report the outage.
  });
  const cluster: ClusterAdapter | undefined =
    redis === undefined
      ? undefined
      : redisCluster({ redis, keyPrefix: config.redisPrefix, publicUrl: wsUrl });

  const rules = createAccessRules(config.adminUsers);
  const manager = createManager({
    // What messages carry (src/contract.ts); the server's own sends are checked too.
    contract,
    validateSends: true,
    authorizeThread: rules.authorizeThread,
    authorizeDirect: rules.authorizeDirect,
    // Members see who is online in their threads (the page's "online:" line).
    authorizePresence: rules.authorizePresence,
    ...(cluster === undefined ? {} : { cluster }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.drain === undefined ? {} : { drain: options.drain }),
  });
  manager.use(heartbeat({ preset: config.heartbeatPreset }));
  manager.use(
    quality({
      // Every `publish` and `direct` is checked against the contract first.
      contract,
      inbound: [
        rateLimitGate({
          perConnection: { perSecond: 10, burst: 30 },
          perUser: { perSecond: 20, burst: 60 },
          store:
            redis === undefined
              ? memoryRateLimitStore()
              : redisRateLimitStore({ client: redis, prefix: `${config.redisPrefix}rl:` }),
        }),
      ],
      operatorsThread: 'ops:quality',
    }),
  );
  const dashboard = dashboardHandler(manager, {
    auth: { token: config.adminToken },
    path: '/dashboard',
  });
  // The HTTP API, every scope for every key; what it sends is a chat message like the users'.
  const api: ApiHandler | undefined =
    config.apiKeys.length === 0
      ? undefined
      : apiHandler(manager, {
          keys: config.apiKeys,
          path: API_PATH,
          validate: {
            publish: chatMessageProblem,
            send: chatMessageProblem,
            broadcast: chatMessageProblem,
          },
        });
  const tokens = createTokenService({ secret: config.secret, ttlMs: config.tokenTtlMs });
  let draining = false;
  handler.routes = createRoutes({
    manager,
    tokens,
    dashboard,
    ...(api === undefined ? {} : { api }),
    script,
    isDraining: () => draining,
    onError: (err) => (options.logger ?? console).error(`demo: request failed: ${String(err)}`),
  });
  // One authentication and origin policy for both transports.
  const edge = {
    path: '/ws',
    authenticate: (_request: unknown, token: string | undefined) =>
      token === undefined ? null : tokens.verify(token),
    ...(config.allowedOrigins === undefined ? {} : { allowedOrigins: config.allowedOrigins }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  };
  const endpoint = attach(manager, { server, ...edge });
  handler.fallback = httpTransport(manager, edge);

  let closing: Promise<void> | undefined;
  return {
    mode: redis === undefined ? 'embedded' : 'redis',
    port,
    publicUrl,
    wsUrl,
    apiUrl: api === undefined ? undefined : `${publicUrl}${API_PATH}`,
    manager,
    get draining() {
      return draining;
    },
    close({ drain = true } = {}) {
      closing ??= (async () => {
        draining = true;
        await endpoint.close();
        handler.fallback?.close();
        await manager.close({ drain });
        dashboard.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        if (redis !== undefined) {
          await redis.quit().catch(() => redis.disconnect());
        }
      })();
      return closing;
    },
  };
}
