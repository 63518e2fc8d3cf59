/**
 * Server under test: our stack. @ws/core + @ws/protocols (ws adapter) + @ws/heartbeat, and
 * @ws/scaling-redis when BENCH_REDIS_PORT is set. Limits are raised to benchmark sizes; the
 * defaults are production defaults, not benchmark ceilings.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClusterAdapter } from '@ws/core';
import { createManager, silentLogger } from '@ws/core';
import { heartbeat } from '@ws/heartbeat';
import { attach } from '@ws/protocols/ws';
import { envNumber, serveControl } from './control.js';

async function main(): Promise<void> {
  const redisPort = envNumber('BENCH_REDIS_PORT', 0);
  const heartbeatMs = envNumber('BENCH_HEARTBEAT_MS', 25_000);
  const keyPrefix = process.env.BENCH_KEY_PREFIX ?? 'bench';
  let cluster: ClusterAdapter | undefined;
  let quitRedis = async (): Promise<void> => {};
  if (redisPort > 0) {
    const [{ Redis }, { redisCluster }] = await Promise.all([
      import('ioredis'),
      import('@ws/scaling-redis'),
    ]);
    const redis = new Redis({ host: '127.0.0.1', port: redisPort, lazyConnect: false });
    cluster = redisCluster({ redis, keyPrefix });
    quitRedis = async () => {
      redis.disconnect();
    };
  }
  const manager = createManager({
    maxConnections: 50_000,
    maxConnectionsPerUser: 50_000,
    inboundRate: { perSecond: 1_000_000_000, burst: 1_000_000_000 },
    authorizeThread: () => true,
    authorizeDirect: () => true,
    logger: silentLogger(),
    onError: (err, info) => process.stderr.write(`ours onError ${info.stage}: ${err.message}\n`),
    ...(cluster ? { cluster } : {}),
  });
  // BENCH_HEARTBEAT_MS=0: no heartbeat until the `heartbeat` command installs one (the idle
  // scenario connects first, then measures the heartbeat over connections that are all up).
  let heartbeatOn = false;
  const startHeartbeat = (intervalMs: number): void => {
    if (heartbeatOn) return;
    heartbeatOn = true;
    manager.use(heartbeat({ intervalMs, timeoutMs: Math.min(intervalMs * 0.9, 20_000) }));
  };
  if (heartbeatMs > 0) startHeartbeat(heartbeatMs);
  const server = createServer();
  const endpoint = attach(manager, {
    server,
    path: '/ws',
    logger: silentLogger(),
    authenticate: (_req, token) => (token ? { userId: token } : null),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  if (cluster) {
    // Wait (bounded) until the cluster adapter reports ready.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const health = await manager.health();
      if (health.status === 'ready') break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const port = (server.address() as AddressInfo).port;
  serveControl(
    port,
    async () => {
      await endpoint.close();
      await manager.close({ drain: false });
      server.close();
      await quitRedis();
    },
    {
      heartbeat: (command) => {
        startHeartbeat(Number(command.intervalMs));
        return true;
      },
      stats: () => {
        const s = manager.getStats();
        return { connections: s.connections };
      },
    },
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`ours server failed: ${String(err)}\n`);
  process.exit(1);
});
