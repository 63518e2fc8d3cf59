import type { ThreadId } from '@ws/core';
import { describe, expect, it } from 'vitest';
import type { TestClient, TestNode } from '../test/harness.js';
import { connect, createNode, uniquePrefix } from '../test/harness.js';
import type { LifecycleEntry } from '../test/lifecycleRead.js';
import { dedupe, readLifecycle } from '../test/lifecycleRead.js';
import { useRedisTargets } from '../test/redisTargets.js';
import { lifecycleStream } from './lifecycleStream.js';
import { waitFor } from '@ws/testkit';

const redis = useRedisTargets();

const room = 'room' as ThreadId;
const FIELDS = ['id', 'type', 'connection', 'user', 'instance', 'time'];

function byConnection(entries: readonly LifecycleEntry[]): Map<string, LifecycleEntry[]> {
  const out = new Map<string, LifecycleEntry[]>();
  for (const e of entries) {
    const c = e['connection'] ?? '';
    out.set(c, [...(out.get(c) ?? []), e]);
  }
  return out;
}

async function ready(node: TestNode): Promise<void> {
  await waitFor(async () => (await node.manager.health()).status === 'ready', {
    timeoutMs: 15_000,
    message: `node ${node.manager.instanceId} to be ready`,
  });
}

/**
 * Two instances on the Redis at `port` (or the Redis Cluster at `port`, an array): alice, bob,
 * carol and alice again connect, join, leave and disconnect; the stream has every event of each
 * connection, in order, with every field.
 */
async function order(port: number | readonly number[], name: string): Promise<void> {
  const prefix = uniquePrefix(name);
  const lifecycle = lifecycleStream({ stream: 'events' });
  const a = createNode(port, prefix, { instanceId: `${name}-a`, adapter: { lifecycle } });
  const b = createNode(port, prefix, { instanceId: `${name}-b`, adapter: { lifecycle } });
  try {
    await Promise.all([ready(a), ready(b)]);
    const clients: { node: TestNode; user: string; c: TestClient }[] = [];
    for (const [i, user] of ['alice', 'bob', 'carol', 'alice'].entries()) {
      const node = i % 2 === 0 ? a : b;
      clients.push({ node, user, c: await connect(node.manager, user) });
    }
    for (const { node, c } of clients) await node.manager.joinThread(c.id, room);
    for (const { node, c } of clients) await node.manager.leaveThread(c.id, room);
    for (const { c } of clients) c.client.close(1000, 'bye');
    const key = `${prefix}events`;
    expect(
      await waitFor(async () => (await readLifecycle(port, key)).length === 16, {
        timeoutMs: 15_000,
        intervalMs: 50,
        message: 'the 16 events in the stream',
      }),
    ).toBe(true);
    const per = byConnection(dedupe(await readLifecycle(port, key)));
    expect(per.size).toBe(4);
    for (const { node, user, c } of clients) {
      const events = per.get(c.id) ?? [];
      expect(events.map((e) => e['type'])).toEqual(['connect', 'join', 'leave', 'disconnect']);
      for (const e of events) {
        for (const f of FIELDS) expect(e[f], `${f} of ${e['id']}`).toBeTruthy();
        expect(e['user']).toBe(user);
        expect(e['instance']).toBe(node.manager.instanceId);
        expect(Number(e['time'])).toBeGreaterThan(0);
      }
      expect(events.map((e) => e['id'])).toEqual([
        `${c.id}:connect`,
        expect.stringMatching(new RegExp(`^${c.id}:join:room:\\d+$`)),
        expect.stringMatching(new RegExp(`^${c.id}:leave:room:\\d+$`)),
        `${c.id}:disconnect`,
      ]);
      expect(events[1]?.['thread']).toBe('room');
      expect(events[2]?.['thread']).toBe('room');
      expect(events[3]).toMatchObject({ code: '1000', reason: 'bye' });
    }
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

describe('lifecycle events in a Redis Stream', () => {
  it('connect, join, leave and disconnect of several users on two instances appear in order per connection, with every field', async () => {
    await order(redis.server().port, 'lc-order');
  });

  it('the same on a Redis Cluster (the stream in one slot, the connection lists in the instance slots)', async () => {
    await order(redis.cluster().ports, 'lc-order-c');
  });
});
