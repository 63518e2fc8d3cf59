import { afterAll, beforeAll } from 'vitest';
import { createLocalRedisCluster, createRedisServer } from '@ws/testkit';
import type { LocalRedisCluster, RedisServer } from '@ws/testkit';

/** The two Redis targets of a test file, started before its tests and stopped after them. */
export interface RedisTargets {
  server(): RedisServer;
  cluster(): LocalRedisCluster;
}

/** Starts one redis-server and one 3-node Redis Cluster for this test file (beforeAll/afterAll). */
export function useRedisTargets(): RedisTargets {
  let server: RedisServer | undefined;
  let cluster: LocalRedisCluster | undefined;
  beforeAll(async () => {
    server = await createRedisServer();
    cluster = await createLocalRedisCluster();
  }, 90_000);
  afterAll(async () => {
    await Promise.all([server?.stop(), cluster?.stop()]);
  });
  const started = <T>(t: T | undefined, what: string): T => {
    if (t === undefined) throw new Error(`the ${what} is not started (use it inside a test)`);
    return t;
  };
  return {
    server: () => started(server, 'redis-server'),
    cluster: () => started(cluster, 'Redis Cluster'),
  };
}
