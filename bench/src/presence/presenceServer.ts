/**
 * The presence benchmark's server, a child process (bundled as `presenceServer`): `createManager`
 * on `redisCluster` (`@ws/scaling-redis`) over the runner's redis-server, `attach` from
 * `@ws/protocols/ws` on 127.0.0.1 (`wsm.v1.json`, the token is the user id). BENCH_PRESENCE=0
 * wraps the adapter without its presence members (the baseline). The control channel
 * (`servers/control.ts`: cpu-start / cpu-stop / gc-rss) adds `count`: this instance's
 * connections and the thread's presence count (null without presence).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { createManager, silentLogger, threadId } from '@ws/core';
import { attach } from '@ws/protocols/ws';
import { redisCluster } from '@ws/scaling-redis';
import { envNumber, serveControl } from '../servers/control.js';
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
  const server = createServer();
  const endpoint = attach(manager, {
    server,
    path: '/ws',
    logger: silentLogger(),
    authenticate: (_req, token) => (token ? { userId: token } : null),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && (await manager.health()).status !== 'ready') {
    await new Promise((r) => setTimeout(r, 50));
  }
  const thread = threadId(benchThread);
  serveControl(
    (server.address() as AddressInfo).port,
    async () => {
      await endpoint.close();
      await manager.close({ drain: false });
      server.closeAllConnections();
      server.close();
      redis.disconnect();
    },
    {
      count: async () => ({
        connections: manager.getStats().connections,
        presence: withPresence ? await manager.presenceCount(thread) : null,
      }),
    },
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`presence bench server failed: ${String(err)}\n`);
  process.exit(1);
});
