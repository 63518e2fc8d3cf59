import type { UserId } from '@ws/core';
import { isWsError } from '@ws/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, connect, readyNodes } from '../test/harness.js';
import { createRedisServer, sleep, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';

let server: RedisServer;
beforeAll(async () => {
  server = await createRedisServer();
});
afterAll(async () => {
  await server.stop();
});

describe('cluster-wide per-user limits', () => {
  it('rejects a connection over the limit on any instance, with 4101', async () => {
    const nodes = await readyNodes(server.port, 'reject', 2, () => ({
      manager: { maxConnectionsPerUser: 2, onUserLimit: 'reject' },
    }));
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    await connect(a.manager, 'u');
    await connect(b.manager, 'u');
    const third = connect(a.manager, 'u');
    await expect(third).rejects.toSatisfy((e: unknown) => isWsError(e) && e.code === 'user_limit');
    const presence = await b.manager.findUser('u' as UserId);
    expect(presence?.connections.map((c) => c.instanceId).sort()).toEqual(['reject-0', 'reject-1']);
    await closeAll(nodes);
  });

  it('evicts the oldest connection on another instance with 4100', async () => {
    const nodes = await readyNodes(server.port, 'evict', 2, () => ({
      manager: { maxConnectionsPerUser: 2, onUserLimit: 'evict-oldest' },
    }));
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const c1 = await connect(a.manager, 'u');
    const c2 = await connect(a.manager, 'u');
    const c3 = await connect(b.manager, 'u');
    expect(await waitFor(() => c1.client.closed !== undefined)).toBe(true);
    expect(c1.client.closed?.code).toBe(4100);
    expect(c2.client.closed).toBeUndefined();
    const presence = await a.manager.findUser('u' as UserId);
    expect(presence?.connections.map((c) => c.connectionId).sort()).toEqual([c2.id, c3.id].sort());
    await closeAll(nodes);
  });

  it('releases on every disconnect, so a user can come back at once', async () => {
    const nodes = await readyNodes(server.port, 'release', 2, () => ({
      manager: { maxConnectionsPerUser: 1, onUserLimit: 'reject' },
    }));
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    for (let i = 0; i < 5; i++) {
      const node = i % 2 === 0 ? a : b;
      const c = await connect(node.manager, 'u');
      c.client.close(1000);
      expect(await waitFor(() => node.manager.getStats().connections === 0)).toBe(true);
      await sleep(20);
    }
    const last = await connect(b.manager, 'u');
    expect(last.client.closed).toBeUndefined();
    expect((await a.manager.findUser('u' as UserId))?.connections).toEqual([
      { connectionId: last.id, instanceId: 'release-1' },
    ]);
    await closeAll(nodes);
  });

  it('admits concurrent connections of one user atomically, never over the limit', async () => {
    const nodes = await readyNodes(server.port, 'race', 3, () => ({
      manager: { maxConnectionsPerUser: 3, onUserLimit: 'reject' },
    }));
    const attempts = Array.from({ length: 12 }, (_, i) => connect(nodes[i % 3]!.manager, 'racer'));
    const settled = await Promise.allSettled(attempts);
    expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect((await nodes[0]!.manager.findUser('racer' as UserId))?.connections).toHaveLength(3);
    await closeAll(nodes);
  });
});
