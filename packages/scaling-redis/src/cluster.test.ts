import type { Offset, ThreadId, UserId } from '@ws/core';
import { createManager, isWsError, silentLogger } from '@ws/core';
import { createMemorySocketPair } from '@ws/core/testing';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RedisClusterOptions } from './options.js';
import { redisCluster } from './redisCluster.js';
import type { TestNode } from '../test/harness.js';
import { closeAll, connect, uniquePrefix } from '../test/harness.js';
import { checkIsolation } from '../test/isolation.js';
import { createLocalRedisCluster, sleep, waitFor } from '@ws/testkit';
import type { LocalRedisCluster } from '@ws/testkit';

let cluster: LocalRedisCluster;
beforeAll(async () => {
  cluster = await createLocalRedisCluster();
}, 60_000);
afterAll(async () => {
  await cluster.stop();
});

function clusterNode(
  prefix: string,
  instanceId: string,
  adapter: Partial<Omit<RedisClusterOptions, 'redis'>> = {},
  manager = {},
): TestNode {
  const redis = new Cluster(
    cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
    { lazyConnect: true },
  );
  const errors: TestNode['errors'] = [];
  const m = createManager({
    instanceId,
    cluster: redisCluster({
      redis,
      keyPrefix: prefix,
      heartbeatMs: 300,
      startTimeoutMs: 5000,
      ...adapter,
    }),
    authorizeThread: () => true,
    authorizeDirect: () => true,
    logger: silentLogger(),
    onError: (error, info) => errors.push({ error, stage: info.stage }),
    ...manager,
  });
  return {
    manager: m,
    redis: redis as never,
    errors,
    async close() {
      await m.close();
      redis.disconnect();
    },
  };
}

async function clusterNodes(
  name: string,
  n: number,
  adapter = {},
  manager = {},
  prefix = uniquePrefix(name),
): Promise<TestNode[]> {
  const list = Array.from({ length: n }, (_, i) =>
    clusterNode(prefix, `${name}-${i}`, adapter, manager),
  );
  for (const node of list) {
    await waitFor(async () => (await node.manager.health()).status === 'ready', {
      timeoutMs: 10_000,
    }).catch(async () => {
      throw new Error(
        `${node.manager.instanceId} not ready: ${JSON.stringify(await node.manager.health())}`,
      );
    });
  }
  return list;
}

describe('on a local 3-node Redis Cluster (sharded pub/sub)', () => {
  it('routes direct and thread messages between instances, in offset order', async () => {
    const prefix = uniquePrefix('croute');
    const nodes = await clusterNodes('croute', 2, {}, {}, prefix);
    const [a, b] = nodes as [TestNode, TestNode];
    const users = ['ann', 'ben', 'cat', 'dan', 'eve'];
    const clients = await Promise.all(users.map((u) => connect(b.manager, u)));
    // The welcome can come before B's registry write is visible to A: wait for it, as the
    // fault tests do, so `published` speaks of routing and not of that race.
    for (const u of users)
      await waitFor(async () => (await a.manager.findUser(u as UserId)) !== null, {
        timeoutMs: 10_000,
        message: `A sees ${u} on B`,
      });
    for (const u of users)
      expect(await a.manager.sendToUser(u as UserId, `hi ${u}`)).toMatchObject({
        ok: true,
        published: true,
      });
    expect(await waitFor(() => clients.every((c) => c.messages().length === 1))).toBe(true);
    expect(clients.map((c) => c.messages()[0]?.data)).toEqual(users.map((u) => `hi ${u}`));
    // Sharded channels, spread over the shards by their hash tags.
    const perNode = await Promise.all(
      cluster.ports.map(async (port) => {
        const r = new Redis({ port, host: '127.0.0.1' });
        const list = (await r.call('PUBSUB', 'SHARDCHANNELS', `${prefix}*`)) as string[];
        r.disconnect();
        return list;
      }),
    );
    expect(
      perNode
        .flat()
        .filter((c) => c.includes('{u:'))
        .sort(),
    ).toEqual(users.map((u) => `${prefix}{u:${u}}:ch`).sort());
    expect(perNode.filter((list) => list.length > 0).length).toBeGreaterThan(1);

    const t = 'cluster-room' as ThreadId;
    const member = clients[0]!;
    await b.manager.joinThread(member.id, t);
    const offsets: string[] = [];
    for (let i = 0; i < 10; i++)
      offsets.push((await a.manager.sendToThread(t, i)).offset as string);
    expect(await waitFor(() => member.messages().length === 11)).toBe(true);
    expect(
      member
        .messages()
        .slice(1)
        .map((m) => m.offset),
    ).toEqual(offsets);
    const all = await a.manager.broadcast('all');
    expect(all.published).toBe(true);
    expect(
      await waitFor(() => clients.every((c) => c.messages().some((m) => m.data === 'all'))),
    ).toBe(true);
    await closeAll(nodes);
  });

  it('keeps users isolated over 3 managers', async () => {
    const nodes = await clusterNodes('ciso', 3, {}, { maxConnectionsPerUser: 5 });
    try {
      await checkIsolation(nodes, 7, 80);
    } finally {
      await closeAll(nodes);
    }
  });

  it('enforces per-user limits cluster-wide: reject and evict-oldest across instances', async () => {
    const rej = await clusterNodes(
      'crej',
      2,
      {},
      { maxConnectionsPerUser: 2, onUserLimit: 'reject' },
    );
    await connect(rej[0]!.manager, 'u');
    await connect(rej[1]!.manager, 'u');
    await expect(connect(rej[0]!.manager, 'u')).rejects.toSatisfy(
      (e: unknown) => isWsError(e) && e.code === 'user_limit',
    );
    await closeAll(rej);

    const ev = await clusterNodes(
      'cev',
      2,
      {},
      { maxConnectionsPerUser: 1, onUserLimit: 'evict-oldest' },
    );
    const first = await connect(ev[0]!.manager, 'v');
    const second = await connect(ev[1]!.manager, 'v');
    expect(await waitFor(() => first.client.closed !== undefined)).toBe(true);
    expect(first.client.closed?.code).toBe(4100);
    expect((await ev[0]!.manager.findUser('v' as UserId))?.connections).toEqual([
      { connectionId: second.id, instanceId: 'cev-1' },
    ]);
    await closeAll(ev);
  });

  it('keeps history per thread and answers resume, within MAXLEN only', async () => {
    const nodes = await clusterNodes('chist', 2, { historyMaxLen: 4 });
    const [a, b] = nodes as [TestNode, TestNode];
    const t = 'chist-t' as ThreadId;
    const { server, client } = createMemorySocketPair();
    const id = await b.manager.connectUser('reader' as UserId, server);
    await b.manager.joinThread(id, t);
    const offsets: Offset[] = [];
    for (let i = 0; i < 6; i++) offsets.push((await a.manager.sendToThread(t, i)).offset as Offset);
    client.sendFrame({ type: 'resume', thread: t, offset: offsets[2], id: 'ok' });
    client.sendFrame({ type: 'resume', thread: t, offset: offsets[0], id: 'gone' });
    expect(
      await waitFor(
        () => client.framesOf('ack').filter((f) => f.id === 'ok' || f.id === 'gone').length === 2,
      ),
    ).toBe(true);
    await sleep(50);
    const frames = client.frames();
    const okAt = frames.findIndex((f) => f.type === 'ack' && f.id === 'ok');
    expect(frames[okAt]).toMatchObject({ recovered: true });
    const replayed = frames
      .slice(okAt - 3, okAt)
      .map((f) => (f.type === 'message' ? f.offset : f.type));
    expect(replayed).toEqual(offsets.slice(3));
    expect(frames.find((f) => f.type === 'ack' && f.id === 'gone')).toMatchObject({
      recovered: false,
    });
    await closeAll(nodes);
  });

  it('announces a live-path gap when a shard subscriber connection drops, and resume fills it', async () => {
    const nodes = await clusterNodes('cgap', 2, { historyMaxLen: 10_000 });
    const [a, b] = nodes as [TestNode, TestNode];
    const t = 'cgap-thread' as ThreadId;
    const reader = await connect(b.manager, 'reader');
    await b.manager.joinThread(reader.id, t);
    const acked: Offset[] = [];
    let stop = false;
    const traffic = (async () => {
      for (let i = 0; i < 3000 && !stop; i++) {
        const r = await a.manager.sendToThread(t, { i });
        if (r.ok) acked.push(r.offset as Offset);
        await sleep(2);
      }
    })();
    await sleep(200);
    // Drop the sharded subscriber connections on every shard.
    for (const port of cluster.ports) {
      const r = new Redis({ port, host: '127.0.0.1' });
      await r.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
      r.disconnect();
    }
    await sleep(1500);
    stop = true;
    await traffic;
    await sleep(300);

    let last: string | undefined;
    let resumeFrom: string | undefined;
    const live: string[] = [];
    for (const f of reader.client.frames()) {
      if (f.type === 'message' && f.offset !== undefined) {
        live.push(f.offset);
        last = f.offset;
      } else if (f.type === 'resync') {
        resumeFrom ??= last;
      }
    }
    const missedLive = acked.filter((o) => !live.includes(o));
    if (missedLive.length > 0) expect(resumeFrom).toBeDefined();
    reader.client.sendFrame({ type: 'resume', thread: t, offset: resumeFrom ?? last, id: 'fill' });
    expect(
      await waitFor(() => reader.client.framesOf('ack').some((f) => f.id === 'fill'), {
        timeoutMs: 5000,
      }),
    ).toBe(true);
    const frames = reader.client.frames();
    const ackAt = frames.findIndex((f) => f.type === 'ack' && f.id === 'fill');
    expect(frames[ackAt]).toMatchObject({ recovered: true });
    const replay = frames
      .slice(0, ackAt)
      .flatMap((f) => (f.type === 'message' && f.offset !== undefined ? [f.offset] : []))
      .slice(live.length);
    const received = new Set([...live, ...replay]);
    expect(acked.filter((o) => !received.has(o))).toEqual([]);
    console.log(
      `cluster gap: ${acked.length} acked, ${missedLive.length} missed live, resync ${resumeFrom === undefined ? 'no' : 'yes'}`,
    );
    await closeAll(nodes);
  });
});
