import { describe, expect, it } from 'vitest';
import { redisCommand } from './redisCommand.js';
import { createLocalRedisCluster } from './redisCluster.js';

describe('createLocalRedisCluster', () => {
  it('starts three masters that share the 16384 slots, and stops them all', async () => {
    const cluster = await createLocalRedisCluster();
    try {
      expect(cluster.ports).toHaveLength(3);
      expect(new Set(cluster.ports).size).toBe(3);
      // A key whose slot another node owns is redirected: they are one cluster.
      const replies = await Promise.all(cluster.ports.map((p) => redisCommand(p, ['GET', 'k'])));
      expect(replies.filter((r) => r?.startsWith('-MOVED'))).toHaveLength(2);
    } finally {
      await cluster.stop();
    }
    expect(cluster.servers.every((s) => !s.running)).toBe(true);
  }, 60_000);
});
