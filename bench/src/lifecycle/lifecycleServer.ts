/**
 * The lifecycle benchmark's server, a child process (bundled as `lifecycleServer`):
 * `createManager` on `redisCluster` (`@ws/scaling-redis`) over the runner's redis-server, with
 * `lifecycle: lifecycleStream()` (its defaults) when BENCH_LIFECYCLE=1, without it (the
 * baseline) otherwise; core's presence on (its default: join and leave events come from its
 * presence calls). Served by `servers/serveManager.ts`; the control channel adds `count`: this
 * instance's connections and its id.
 */
import { Redis } from 'ioredis';
import { createManager, silentLogger } from '@ws/core';
import { lifecycleStream, redisCluster } from '@ws/scaling-redis';
import { envNumber } from '../servers/control.js';
import { serveManager } from '../servers/serveManager.js';
import { keyPrefix } from './plan.js';

async function main(): Promise<void> {
  const redisPort = envNumber('BENCH_REDIS_PORT', 0);
  if (redisPort <= 0) throw new Error('BENCH_REDIS_PORT is required');
  const withLifecycle = envNumber('BENCH_LIFECYCLE', 1) === 1;
  const redis = new Redis({ host: '127.0.0.1', port: redisPort });
  const lifecycle = withLifecycle ? { lifecycle: lifecycleStream() } : {};
  const manager = createManager({
    maxConnections: 50_000,
    maxConnectionsPerUser: 10,
    authorizeThread: () => true,
    cluster: redisCluster({ redis, keyPrefix, ...lifecycle }),
    logger: silentLogger(),
    onError: (err, info) => process.stderr.write(`onError ${info.stage}: ${err.message}\n`),
  });
  await serveManager(
    manager,
    {
      count: () => ({ connections: manager.getStats().connections, instance: manager.instanceId }),
    },
    { close: () => redis.disconnect() },
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`lifecycle bench server failed: ${String(err)}\n`);
  process.exit(1);
});
