import type { ThreadId, UserId } from '@ws/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createNode, uniquePrefix } from './test/harness.js';
import type { TestNode } from './test/harness.js';
import { createRedisServer, waitFor } from './test/redisServer.js';
import type { RedisServer } from './test/redisServer.js';

let server: RedisServer;
beforeAll(async () => {
  server = await createRedisServer();
});
afterAll(async () => {
  await server.stop();
});

async function nodes(n: number, name: string): Promise<TestNode[]> {
  const prefix = uniquePrefix(name);
  const list = Array.from({ length: n }, (_, i) => createNode(server.port, prefix, { instanceId: `${name}-${i}` }));
  for (const node of list) {
    expect(await waitFor(async () => (await node.manager.health()).status === 'ready', 5000)).toBe(true);
  }
  return list;
}

describe('routing between instances', () => {
  it('delivers a direct message to a user on another instance, once', async () => {
    const [a, b] = await nodes(2, 'direct');
    const alice = await connect(b!.manager, 'alice');
    const result = await a!.manager.sendToUser('alice' as UserId, { hi: 1 });
    expect(result).toMatchObject({ ok: true, delivered: 0, published: true, failedRemote: false });
    expect(await waitFor(() => alice.messages().length === 1)).toBe(true);
    expect(alice.messages()[0]).toEqual({ type: 'message', from: null, data: { hi: 1 } });
    await a!.close();
    await b!.close();
  });

  it('delivers thread messages in offset order to members on every instance, none twice', async () => {
    const [a, b] = await nodes(2, 'thread');
    const t = 'room-1' as ThreadId;
    const ca = await connect(a!.manager, 'u1');
    const cb = await connect(b!.manager, 'u2');
    await a!.manager.joinThread(ca.id, t);
    await b!.manager.joinThread(cb.id, t);
    const offsets: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await (i % 2 === 0 ? a : b)!.manager.sendToThread(t, { i });
      expect(r.ok).toBe(true);
      offsets.push(r.offset as string);
    }
    expect(await waitFor(() => ca.messages().length === 20 && cb.messages().length === 20)).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    expect(ca.messages().map((m) => m.offset)).toEqual(offsets);
    expect(cb.messages().map((m) => m.offset)).toEqual(offsets);
    expect(ca.messages().map((m) => (m.data as { i: number }).i)).toEqual([...Array(20).keys()]);
    await a!.close();
    await b!.close();
  });
});
