/**
 * Shared cluster state for multi-instance tests: Redis (`@ws/scaling-redis` over a
 * `redis-server` started for the test, heartbeat 200 ms) or core's in-memory hub.
 */
import type { ClusterAdapter } from '@ws/core';
import { createMemoryCluster } from '@ws/core/testing';
import { redisCluster } from '@ws/scaling-redis';
import { createRedisServer } from '@ws/testkit';
import { Redis } from 'ioredis';

/** Cluster state several test servers share: an adapter per server, and its teardown. */
export interface Cluster {
  adapter(publicUrl: string): ClusterAdapter;
  stop(): Promise<void>;
}

/** A fresh `redis-server` on a free port; each adapter has its own connection to it. */
export async function redisBackend(): Promise<Cluster> {
  const redis = await createRedisServer();
  const clients: Redis[] = [];
  const keyPrefix = `client-test-${redis.port}`;
  return {
    adapter(publicUrl) {
      const r = new Redis({ port: redis.port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
      clients.push(r);
      return redisCluster({ redis: r, keyPrefix, publicUrl, heartbeatMs: 200 });
    },
    async stop() {
      for (const r of clients) r.disconnect();
      await redis.stop();
    },
  };
}

/** Core's in-memory hub: several managers of this process as one cluster. */
export function memoryBackend(): Promise<Cluster> {
  const hub = createMemoryCluster();
  return Promise.resolve({
    adapter: (publicUrl) => hub.adapter({ publicUrl }),
    stop: () => Promise.resolve(),
  });
}
