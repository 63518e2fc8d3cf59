import type { ThreadId, UserId } from '@ws/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, connect, createNode, readyNodes, uniquePrefix } from '../test/harness.js';
import { createRedisServer, sleep, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';

let server: RedisServer;
beforeAll(async () => {
  server = await createRedisServer();
});
afterAll(async () => {
  await server.stop();
});

describe('routing between instances', () => {
  it('delivers a direct message to a user on another instance, once', async () => {
    const nodes = await readyNodes(server.port, 'direct', 2);
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const alice = await connect(b.manager, 'alice');
    const result = await a.manager.sendToUser('alice' as UserId, { hi: 1 });
    expect(result).toMatchObject({ ok: true, delivered: 0, published: true, failedRemote: false });
    expect(await waitFor(() => alice.messages().length === 1)).toBe(true);
    await sleep(100);
    expect(alice.messages()).toEqual([{ type: 'message', from: null, data: { hi: 1 } }]);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await closeAll(nodes);
  });

  it('reports published: false when no other instance holds the user', async () => {
    const nodes = await readyNodes(server.port, 'nobody', 2);
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const bob = await connect(a.manager, 'bob');
    const result = await a.manager.sendToUser('bob' as UserId, 'x');
    expect(result).toMatchObject({ ok: true, delivered: 1, published: false, failedRemote: false });
    expect((await b.manager.sendToUser('carol' as UserId, 'y')).published).toBe(false);
    await sleep(100);
    expect(bob.messages()).toHaveLength(1);
    await closeAll(nodes);
  });

  it('delivers thread messages in offset order to members on every instance, none twice', async () => {
    const nodes = await readyNodes(server.port, 'thread', 2);
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const t = 'room-1' as ThreadId;
    const ca = await connect(a.manager, 'u1');
    const cb = await connect(b.manager, 'u2');
    await a.manager.joinThread(ca.id, t);
    await b.manager.joinThread(cb.id, t);
    const offsets: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await (i % 2 === 0 ? a : b).manager.sendToThread(t, { i });
      expect(r.ok).toBe(true);
      offsets.push(r.offset as string);
    }
    expect(await waitFor(() => ca.messages().length === 20 && cb.messages().length === 20)).toBe(
      true,
    );
    await sleep(100);
    expect(ca.messages().map((m) => m.offset)).toEqual(offsets);
    expect(cb.messages().map((m) => m.offset)).toEqual(offsets);
    expect(ca.messages().map((m) => (m.data as { i: number }).i)).toEqual([...Array(20).keys()]);
    await closeAll(nodes);
  });

  it('subscribes a thread before its join resolves: a publication right after reaches the new member', async () => {
    const nodes = await readyNodes(server.port, 'joinpoint', 2);
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const cb = await connect(b.manager, 'joiner');
    for (let i = 0; i < 20; i++) {
      const t = `jp-${i}` as ThreadId;
      await a.manager.sendToThread(t, 'before');
      await b.manager.joinThread(cb.id, t);
      const r = await a.manager.sendToThread(t, `after-${i}`);
      expect(r.published).toBe(true);
    }
    expect(await waitFor(() => cb.messages().length === 20)).toBe(true);
    await sleep(100);
    expect(cb.messages().map((m) => m.data)).toEqual(
      Array.from({ length: 20 }, (_, i) => `after-${i}`),
    );
    await closeAll(nodes);
  });

  it('broadcasts to every connection of the cluster once', async () => {
    const nodes = await readyNodes(server.port, 'all', 3);
    const clients = await Promise.all(nodes.map((n, i) => connect(n.manager, `user${i}`)));
    const r = await nodes[0]!.manager.broadcast({ all: true });
    expect(r).toMatchObject({ ok: true, delivered: 1, published: true });
    expect(await waitFor(() => clients.every((c) => c.messages().length === 1))).toBe(true);
    await sleep(100);
    expect(clients.map((c) => c.messages().length)).toEqual([1, 1, 1]);
    await closeAll(nodes);
  });

  it('stops routing a thread to an instance after its last member leaves', async () => {
    const nodes = await readyNodes(server.port, 'leave', 2);
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const t = 't' as ThreadId;
    const cb = await connect(b.manager, 'u');
    await b.manager.joinThread(cb.id, t);
    expect((await a.manager.sendToThread(t, 1)).published).toBe(true);
    expect(await waitFor(() => cb.messages().length === 1)).toBe(true);
    await b.manager.leaveThread(cb.id, t);
    await sleep(50);
    expect((await a.manager.sendToThread(t, 2)).published).toBe(false);
    await sleep(100);
    expect(cb.messages().map((m) => m.data)).toEqual([1]);
    await closeAll(nodes);
  });

  it('keeps deployments with different key prefixes apart', async () => {
    const a = createNode(server.port, uniquePrefix('dep-a'), { instanceId: 'same-a' });
    const b = createNode(server.port, uniquePrefix('dep-b'), { instanceId: 'same-b' });
    const cb = await connect(b.manager, 'shared-user');
    await connect(a.manager, 'other');
    const r = await a.manager.sendToUser('shared-user' as UserId, 'leak?');
    expect(r.published).toBe(false);
    expect((await a.manager.getClusterStats()).instances.map((i) => i.instanceId)).toEqual([
      'same-a',
    ]);
    await sleep(100);
    expect(cb.messages()).toEqual([]);
    await closeAll([a, b]);
  });
});
