import type { UserId } from '@ws/core';
import { isWsError } from '@ws/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisCluster } from './redisCluster.js';
import type { TestNode } from '../test/harness.js';
import { closeAll, connect, readyNodes } from '../test/harness.js';
import { createRedisServer, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';

let server: RedisServer;
beforeAll(async () => {
  server = await createRedisServer();
});
afterAll(async () => {
  await server.stop();
});

describe('instance registry', () => {
  it('lists every live instance with its advertised URL and counts', async () => {
    const nodes = await readyNodes(server.port, 'reg', 3, (i) => ({
      adapter: { publicUrl: `ws://node${i}.test/ws` },
    }));
    await connect(nodes[0]!.manager, 'a');
    await connect(nodes[0]!.manager, 'b');
    await connect(nodes[1]!.manager, 'a');
    // Counts travel with the heartbeat (300 ms here).
    const settled = await waitFor(
      async () => (await nodes[2]!.manager.getClusterStats()).connections === 3,
      { timeoutMs: 3000 },
    );
    expect(settled).toBe(true);
    const stats = await nodes[2]!.manager.getClusterStats();
    expect(stats.health.status).toBe('ready');
    expect(stats.users).toBe(3);
    const byId = new Map<string, (typeof stats.instances)[number]>(
      stats.instances.map((i) => [i.instanceId, i]),
    );
    expect([...byId.keys()].sort()).toEqual(['reg-0', 'reg-1', 'reg-2']);
    expect(byId.get('reg-0')).toMatchObject({
      url: 'ws://node0.test/ws',
      connections: 2,
      users: 2,
      self: false,
      state: 'running',
    });
    expect(byId.get('reg-1')).toMatchObject({
      url: 'ws://node1.test/ws',
      connections: 1,
      users: 1,
      self: false,
    });
    expect(byId.get('reg-2')).toMatchObject({
      url: 'ws://node2.test/ws',
      connections: 0,
      self: true,
    });
    await closeAll(nodes);
  });

  it("drains to a live peer's publicUrl, then deregisters the instance", async () => {
    const nodes = await readyNodes(server.port, 'drain', 2, (i) => ({
      adapter: { publicUrl: `ws://peer${i}.test/ws` },
    }));
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const clients = await Promise.all([connect(a.manager, 'x'), connect(a.manager, 'y')]);
    await a.close(true);
    for (const c of clients) {
      expect(c.client.framesOf('reconnect')[0]?.url).toBe('ws://peer1.test/ws');
      expect(c.client.closed?.code).toBe(1012);
    }
    const stats = await b.manager.getClusterStats();
    expect(stats.instances.map((i) => i.instanceId)).toEqual(['drain-1']);
    expect(await b.manager.findUser('x' as UserId)).toBeNull();
    await b.close();
  });

  it('advertises draining, so a peer draining at the same time sends its clients elsewhere', async () => {
    const nodes = await readyNodes(server.port, 'twodrain', 3, (i) => ({
      adapter: { publicUrl: `ws://n${i}.test/ws` },
      manager: { drain: { ratePerSecond: 10, spreadMs: 0 } },
    }));
    const [a, b, c] = nodes as [TestNode, TestNode, TestNode];
    const onA = await Promise.all([1, 2, 3, 4].map((i) => connect(a.manager, `a${i}`)));
    const onB = await Promise.all([1, 2].map((i) => connect(b.manager, `b${i}`)));
    const drainingA = a.close(true);
    expect(
      await waitFor(
        async () =>
          (await c.manager.getClusterStats()).instances.some(
            (i) => i.instanceId === 'twodrain-0' && i.state === 'draining',
          ),
        { timeoutMs: 3000 },
      ),
    ).toBe(true);
    await b.close(true);
    await drainingA;
    for (const cl of onB) expect(cl.client.framesOf('reconnect')[0]?.url).toBe('ws://n2.test/ws');
    for (const cl of onA) expect(cl.client.closed?.code).toBe(1012);
    await c.close();
  });

  it('reports ready with Redis up', async () => {
    const nodes = await readyNodes(server.port, 'health', 1);
    expect(await nodes[0]!.manager.health()).toMatchObject({
      status: 'ready',
      cluster: { status: 'ready' },
    });
    await closeAll(nodes);
  });

  it('requires a keyPrefix and a client', () => {
    const redis = new Redis({ port: server.port, lazyConnect: true });
    const bad = [
      () => redisCluster({ redis } as never),
      () => redisCluster({ redis, keyPrefix: '' }),
      () => redisCluster({ redis, keyPrefix: 'a{b}' }),
      () => redisCluster({ keyPrefix: 'x' } as never),
      () => redisCluster({ redis, keyPrefix: 'x', heartbeatMs: 0 }),
    ];
    for (const f of bad)
      expect(f).toThrow(expect.objectContaining({ code: 'invalid_options' }) as Error);
    expect(
      bad.every((f) => {
        try {
          f();
          return false;
        } catch (e) {
          return isWsError(e);
        }
      }),
    ).toBe(true);
    redis.disconnect();
  });
});
