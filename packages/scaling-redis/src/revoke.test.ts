import type { ConnectionId, UserId } from '@ws/core';
import { CloseCode } from '@ws/core';
import { createRedisServer, sleep, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, connect, createNode, uniquePrefix } from '../test/harness.js';
import type { TestNode } from '../test/harness.js';
import { createKeys } from './internal/keys.js';

let server: RedisServer;
beforeAll(async () => {
  server = await createRedisServer();
});
afterAll(async () => {
  await server.stop();
});

async function threeNodes(name: string): Promise<{ nodes: TestNode[]; prefix: string }> {
  const prefix = uniquePrefix(name);
  const nodes = [0, 1, 2].map((i) =>
    createNode(server.port, prefix, {
      instanceId: `${name}-${i}`,
      manager: { maxConnectionsPerUser: 10 },
    }),
  );
  for (const n of nodes)
    await waitFor(async () => (await n.manager.health()).status === 'ready', { timeoutMs: 5000 });
  // Every instance sees the other two in the registry.
  for (const n of nodes)
    await waitFor(async () => (await n.manager.getClusterStats()).instances.length === 3, {
      timeoutMs: 5000,
    });
  return { nodes, prefix };
}

const counter = (n: TestNode, name: string, labels: Record<string, string>): number =>
  n.manager.metrics.counter(name, { help: '', labelNames: Object.keys(labels) }).get(labels);

describe("disconnectUser with scope 'cluster' over Redis", () => {
  it('closes every connection of the user on three instances with 4103, counts them, leaves others', async () => {
    const { nodes } = await threeNodes('revoke');
    const [a, b, c] = nodes as [TestNode, TestNode, TestNode];
    const mallory = [
      await connect(a.manager, 'mallory'),
      await connect(b.manager, 'mallory'),
      await connect(c.manager, 'mallory'),
      await connect(c.manager, 'mallory'),
    ];
    const others = [await connect(a.manager, 'bob'), await connect(c.manager, 'carol')];
    const u = 'mallory' as UserId;
    expect(await b.manager.disconnectUser(u, { scope: 'cluster' })).toBe(4);
    expect(
      await waitFor(() => mallory.every((m) => m.client.closed !== undefined), {
        timeoutMs: 10_000,
      }),
    ).toBe(true);
    for (const m of mallory)
      expect(m.client.closed).toEqual({ code: CloseCode.revoked, reason: 'revoked' });
    await sleep(200);
    for (const o of others) expect(o.client.closed).toBeUndefined();
    expect(counter(b, 'ws_redis_control_requests_total', { op: 'disconnect-user' })).toBe(2);
    expect(counter(b, 'ws_redis_control_timeouts_total', { op: 'disconnect-user' })).toBe(0);
    expect(await a.manager.disconnectUser(u, { scope: 'cluster', code: 4040 })).toBe(0);
    for (const n of nodes) expect(n.errors).toEqual([]);
    await closeAll(nodes);
  });

  it('a silent instance is not counted, and a metric says so; the answer comes within the command timeout', async () => {
    const { nodes, prefix } = await threeNodes('silent');
    const [a, b, c] = nodes as [TestNode, TestNode, TestNode];
    const keys = createKeys(prefix);
    // A registered, live instance whose control channel is subscribed but never answers.
    const raw = new Redis({ port: server.port, host: '127.0.0.1' });
    const sub = new Redis({ port: server.port, host: '127.0.0.1' });
    const [secs] = (await raw.call('TIME')) as [string, string];
    await raw.hset(keys.instances, 'ghost', JSON.stringify({ at: 0, connections: 1, users: 1 }));
    await raw.zadd(keys.alive, Number(secs) * 1000 + 60_000, 'ghost');
    const heard: string[] = [];
    sub.on('message', (_ch: string, m: string) => heard.push(m));
    await sub.subscribe(keys.controlChannel('ghost' as never));
    const xs = [await connect(a.manager, 'u'), await connect(c.manager, 'u')];
    const started = Date.now();
    expect(await b.manager.disconnectUser('u' as UserId, { scope: 'cluster' })).toBe(2);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(heard).toHaveLength(1);
    expect(counter(b, 'ws_redis_control_timeouts_total', { op: 'disconnect-user' })).toBe(1);
    expect(await waitFor(() => xs.every((x) => x.client.closed?.code === 4103))).toBe(true);
    sub.disconnect();
    raw.disconnect();
    await closeAll(nodes);
  });
});

describe('sendToConnection to a connection of another instance, over Redis', () => {
  it('arrives exactly once; to a closed one, or a silent instance: failedRemote', async () => {
    const { nodes, prefix } = await threeNodes('direct-conn');
    const [a, b, c] = nodes as [TestNode, TestNode, TestNode];
    const onB = await connect(b.manager, 'alice');
    const other = await connect(c.manager, 'alice');
    const data = { hi: 1, pipe: 'a|b' };
    const r = await a.manager.sendToConnection(onB.id, data);
    expect(r).toEqual({
      ok: true,
      delivered: 0,
      published: true,
      failedRemote: false,
      dropped: {},
    });
    expect(await waitFor(() => onB.messages().length === 1)).toBe(true);
    await sleep(300);
    expect(onB.messages()).toEqual([{ type: 'message', from: null, data }]);
    expect(other.messages()).toEqual([]);

    onB.client.close();
    await waitFor(() => b.manager.getStats().connections === 0);
    const late = await a.manager.sendToConnection(onB.id, 'late');
    expect(late).toMatchObject({ ok: false, published: false, failedRemote: true });
    expect(late.error?.code).toBe('not_found');

    // An instance that is gone (nobody on its control channel) answers at once.
    const gone = await a.manager.sendToConnection('vanished-7' as ConnectionId, 'x');
    expect(gone).toMatchObject({ ok: false, failedRemote: true });
    expect(gone.error?.code).toBe('cluster_error');

    // A silent instance: no answer within commandTimeoutMs (500 ms), counted.
    const keys = createKeys(prefix);
    const sub = new Redis({ port: server.port, host: '127.0.0.1' });
    await sub.subscribe(keys.controlChannel('mute' as never));
    const started = Date.now();
    const mute = await a.manager.sendToConnection('mute-1' as ConnectionId, 'x');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(mute).toMatchObject({ ok: false, failedRemote: true });
    expect(mute.error?.code).toBe('cluster_error');
    expect(counter(a, 'ws_redis_control_timeouts_total', { op: 'send-to-connection' })).toBe(2);
    expect(
      counter(a, 'ws_cluster_operations_total', { op: 'send-to-connection', outcome: 'timeout' }),
    ).toBe(2);
    sub.disconnect();
    for (const n of nodes) expect(n.errors).toEqual([]);
    await closeAll(nodes);
  });
});
