/**
 * One instance of the deployment the worker publishes to (test support, and `pnpm --filter
 * example-worker-emitter instance` for trying the worker by hand): a manager on the Redis
 * adapter with the WebSocket endpoint on `/ws`; a client's `?token=` is its user id. Prints
 * `listening on <url>`; SIGTERM closes it.
 * Env: REDIS_URL, KEY_PREFIX, INSTANCE_ID, HISTORY_MAX_LEN, COMMAND_TIMEOUT_MS, PORT, HOST.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createManager, silentLogger } from '@ws/core';
import { attach } from '@ws/protocols/ws';
import { redisCluster } from '@ws/scaling-redis';
import { Redis } from 'ioredis';

const env = process.env;
const redis = new Redis(env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
const manager = createManager({
  ...(env['INSTANCE_ID'] === undefined ? {} : { instanceId: env['INSTANCE_ID'] }),
  cluster: redisCluster({
    redis,
    keyPrefix: env['KEY_PREFIX'] ?? 'worker-demo:',
    historyMaxLen: Number(env['HISTORY_MAX_LEN'] ?? 256),
    heartbeatMs: 500,
    commandTimeoutMs: Number(env['COMMAND_TIMEOUT_MS'] ?? 500),
  }),
  authorizeThread: () => true,
  authorizeDirect: () => true,
  maxConnectionsPerUser: 10,
  // The test's clients join 100 threads and publish fast.
  inboundRate: { perSecond: 5000, burst: 5000 },
  logger: silentLogger(),
  onError: (err, info) => console.error(`error ${info.stage}: ${String(err)}`),
});
const http = createServer();
const endpoint = attach(manager, {
  server: http,
  path: '/ws',
  authenticate: (_req, token) => (token === undefined ? null : { userId: token }),
});
await new Promise<void>((resolve) =>
  http.listen(Number(env['PORT'] ?? 0), env['HOST'] ?? '127.0.0.1', resolve),
);
const { address, port } = http.address() as AddressInfo;
console.log(`listening on http://${address}:${port}`);
process.once('SIGTERM', () => {
  void (async () => {
    await manager.close({ timeoutMs: 1000 });
    await endpoint.close();
    http.closeAllConnections();
    http.close();
    redis.disconnect();
    process.exit(0);
  })();
});
