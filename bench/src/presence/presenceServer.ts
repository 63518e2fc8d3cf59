/**
 * The presence benchmark's server, a child process (bundled as `presenceServer`): `createManager`
 * on `redisCluster` (`@ws/scaling-redis`) over the runner's redis-server, served by
 * `servers/serveManager.ts` (`attach` from `@ws/protocols/ws` on 127.0.0.1, `wsm.v1.json`, the
 * token is the user id). BENCH_PRESENCE=0 wraps the adapter without its presence members (the
 * baseline). The control channel (`servers/control.ts`: cpu-start / cpu-stop / gc-rss) adds
 * `count`: this instance's connections and the thread's presence count (null without presence).
 */
import { Redis } from 'ioredis';
import { createManager, silentLogger, threadId } from '@ws/core';
import { redisCluster } from '@ws/scaling-redis';
import { envNumber } from '../servers/control.js';
import { serveManager } from '../servers/serveManager.js';
import { benchThread, diffIntervalMs, fullListMax } from './plan.js';
import { withoutPresence } from './withoutPresence.js';

async function main(): Promise<void> {
  const redisPort = envNumber('BENCH_REDIS_PORT', 0);
  if (redisPort <= 0) throw new Error('BENCH_REDIS_PORT is required');
  const withPresence = envNumber('BENCH_PRESENCE', 1) === 1;
  const redis = new Redis({ host: '127.0.0.1', port: redisPort });
  const adapter = redisCluster({ redis, keyPrefix: process.env.BENCH_KEY_PREFIX ?? 'pbench' });
  const manager = createManager({
    maxConnections: 50_000,
    maxConnectionsPerUser: 10,
    authorizeThread: () => true,
    authorizePresence: () => true,
    presence: { diffIntervalMs, fullListMax },
    cluster: withPresence ? adapter : withoutPresence(adapter),
    logger: silentLogger(),
    onError: (err, info) => process.stderr.write(`onError ${info.stage}: ${err.message}\n`),
  });
  const thread = threadId(benchThread);
  await serveManager(
    manager,
    {
      count: async () => ({
        connections: manager.getStats().connections,
        presence: withPresence ? await manager.presenceCount(thread) : null,
      }),
    },
    { close: () => redis.disconnect() },
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`presence bench server failed: ${String(err)}\n`);
  process.exit(1);
});
