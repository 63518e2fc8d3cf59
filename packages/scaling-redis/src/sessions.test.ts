import type { SessionRecord, ThreadId, UserId } from '@ws/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisCluster } from './redisCluster.js';
import { fakeContext } from '../test/fakeContext.js';
import { closeAll, connect, readyNodes, uniquePrefix } from '../test/harness.js';
import { createRedisServer, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';

let server: RedisServer;
beforeAll(async () => {
  server = await createRedisServer();
});
afterAll(async () => {
  await server.stop();
});

describe('sessions in Redis', () => {
  it('restores memberships on another instance, once, and only for the same user', async () => {
    const nodes = await readyNodes(server.port, 'sess', 2);
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const first = await connect(a.manager, 'alice');
    await a.manager.joinThread(first.id, 'room' as ThreadId);
    const token = first.client.framesOf('welcome')[0]!.resumeToken;
    first.client.close(1000);
    expect(await waitFor(() => a.manager.getStats().connections === 0)).toBe(true);

    const thief = await connect(b.manager, 'mallory', token);
    expect(thief.client.framesOf('welcome')[0]!.restored).toEqual([]);
    const again = await connect(b.manager, 'alice', token);
    expect(again.client.framesOf('welcome')[0]!.restored).toEqual(['room']);
    const replay = await connect(b.manager, 'alice', token);
    expect(replay.client.framesOf('welcome')[0]!.restored).toEqual([]);
    await closeAll(nodes);
  });

  it('refuses a stale generation and any write after the session was taken', async () => {
    const redis = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
    const adapter = redisCluster({ redis, keyPrefix: uniquePrefix('gen') });
    await adapter.start(fakeContext('gen-1'));
    const rec = (generation: number): SessionRecord => ({
      userId: 'u' as UserId,
      threads: { t: '1-0' as never },
      generation,
    });
    expect(await adapter.saveSession('tok', rec(2), 2)).toBe(true);
    expect(await adapter.saveSession('tok', rec(1), 1)).toBe(false);
    expect(await adapter.saveSession('tok', rec(3), 3)).toBe(true);
    expect(await adapter.takeSession('tok', 'other' as UserId)).toBeNull();
    expect(await adapter.takeSession('tok', 'u' as UserId)).toEqual(rec(3));
    expect(await adapter.takeSession('tok', 'u' as UserId)).toBeNull();
    expect(await adapter.saveSession('tok', rec(9), 9)).toBe(false);
    expect(await adapter.takeSession('missing', 'u' as UserId)).toBeNull();
    await adapter.stop({ drain: false });
    redis.disconnect();
  });

  it('lets sessions expire after the TTL', async () => {
    const redis = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
    const adapter = redisCluster({ redis, keyPrefix: uniquePrefix('ttl') });
    await adapter.start(fakeContext('ttl-1', undefined, 150));
    expect(
      await adapter.saveSession('tok', { userId: 'u' as UserId, threads: {}, generation: 1 }, 1),
    ).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(await adapter.takeSession('tok', 'u' as UserId)).toBeNull();
    await adapter.stop({ drain: false });
    redis.disconnect();
  });
});
