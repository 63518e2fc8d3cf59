/**
 * Server under test: our stack. @ws/core + @ws/protocols (ws adapter) + @ws/heartbeat, and
 * @ws/scaling-redis when BENCH_REDIS_PORT is set. Limits are raised to benchmark sizes; the
 * defaults are production defaults, not benchmark ceilings.
 */
import type { ClusterAdapter } from '@ws/core';
import { createManager, silentLogger } from '@ws/core';
import { heartbeat } from '@ws/heartbeat';
import { envNumber } from './control.js';
import { serveManager } from './serveManager.js';

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
  await serveManager(
    manager,
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
    { close: quitRedis },
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`ours server failed: ${String(err)}\n`);
  process.exit(1);
});
