// No vitest import here: child processes (test/*Child.ts) use it too.
import { Cluster, Redis } from 'ioredis';

/** Where a test's Redis is: one server's port, or the ports of a Redis Cluster's nodes. */
export type RedisPorts = number | readonly number[];

/** An ioredis client of one server (`Redis`) or of a Redis Cluster (`Cluster`) on 127.0.0.1. */
export function redisClient(
  port: RedisPorts,
  options: { lazyConnect?: boolean } = {},
): Redis | Cluster {
  const lazyConnect = options.lazyConnect ?? false;
  return typeof port === 'number'
    ? new Redis({ port, host: '127.0.0.1', lazyConnect })
    : new Cluster(
        port.map((p) => ({ host: '127.0.0.1', port: p })),
        { lazyConnect },
      );
}
