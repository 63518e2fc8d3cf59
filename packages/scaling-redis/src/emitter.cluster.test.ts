import type { ThreadId } from '@ws/core';
import { CloseCode, createManager, silentLogger } from '@ws/core';
import { createLocalRedisCluster, waitFor } from '@ws/testkit';
import type { LocalRedisCluster } from '@ws/testkit';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, uniquePrefix } from '../test/harness.js';
import { createEmitter } from './emitter.js';
import { redisCluster } from './redisCluster.js';

let cluster: LocalRedisCluster;
const clients: Cluster[] = [];
beforeAll(async () => {
  cluster = await createLocalRedisCluster();
}, 60_000);
afterAll(async () => {
  for (const c of clients) c.disconnect();
  await cluster.stop();
});

function client(): Cluster {
  const c = new Cluster(
    cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
    { lazyConnect: true },
  );
  clients.push(c);
  return c;
}

describe('createEmitter on a Redis Cluster (sharded pub/sub)', () => {
  it('sends to threads, users and everyone, and disconnects a user, like an instance', async () => {
    const prefix = uniquePrefix('emit-cluster');
    const errors: unknown[] = [];
    const managers = [0, 1].map((i) =>
      createManager({
        instanceId: `emit-cluster-${i}`,
        cluster: redisCluster({ redis: client(), keyPrefix: prefix, heartbeatMs: 300 }),
        authorizeThread: () => true,
        logger: silentLogger(),
        // A Cluster client's shard connections may drop and reconnect while the cluster settles.
        onError: (err, info) => {
          if (info.stage !== 'redis-connection') errors.push(err);
        },
      }),
    );
    for (const m of managers)
      await waitFor(async () => (await m.health()).status === 'ready', { timeoutMs: 15_000 });
    const [a, b] = managers as [(typeof managers)[0], (typeof managers)[0]];
    const alice = await connect(a, 'alice');
    const bob = await connect(b, 'bob');
    const threads = ['job:1', 'job:2', 'job:3'] as ThreadId[];
    for (const t of threads) {
      await a.joinThread(alice.id, t);
      await b.joinThread(bob.id, t);
    }
    const emitter = createEmitter({ redis: client(), keyPrefix: prefix, commandTimeoutMs: 2000 });
    const offsets: string[] = [];
    for (const t of threads) {
      const r = await emitter.sendToThread(t, { t });
      expect(r).toMatchObject({ published: true });
      offsets.push(r.offset as string);
      const own = await a.sendToThread(t, { t, own: true });
      offsets.push(own.offset as string);
    }
    expect(await emitter.sendToUser('bob', 'direct')).toEqual({ published: true });
    expect(await emitter.broadcast('all')).toEqual({ published: true });
    await waitFor(() => bob.messages().length === 8, { timeoutMs: 10_000 });
    expect(bob.messages().map((m) => m.offset ?? m.data)).toEqual([...offsets, 'direct', 'all']);
    expect(bob.messages().every((m) => m.from === null)).toBe(true);
    const page = await b.history('job:2' as ThreadId);
    expect(page.messages.map((m) => m.offset)).toEqual(offsets.slice(2, 4));

    expect(await emitter.disconnectUser('alice')).toEqual({ published: true });
    await waitFor(() => alice.client.closed !== undefined, { timeoutMs: 10_000 });
    expect(alice.client.closed?.code).toBe(CloseCode.revoked);
    expect(bob.client.closed).toBeUndefined();
    expect(errors).toEqual([]);
    await emitter.close();
    await Promise.all(managers.map((m) => m.close()));
  });
});
