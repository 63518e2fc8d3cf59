import type { ThreadId, UserId } from '@ws/core';
import { isWsError } from '@ws/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniquePrefix } from '../test/harness.js';
import { createPartitionProxy } from '../test/partitionProxy.js';
import type { PartitionProxy } from '../test/partitionProxy.js';
import type { PresenceNode } from '../test/presenceNode.js';
import { counter, presenceNode } from '../test/presenceNode.js';
import { createRedisServer, sleep, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';

let server: RedisServer;
let proxy: PartitionProxy;
beforeAll(async () => {
  server = await createRedisServer();
  proxy = await createPartitionProxy(server.port);
});
afterAll(async () => {
  await proxy.close();
  await server.stop();
});

const t1 = 't1' as ThreadId;
const t2 = 't2' as ThreadId;

/** What core does with an evicted connection: forget it, then count it out of its threads. */
async function closeLikeCore(node: PresenceNode, connectionId: string): Promise<boolean[]> {
  const i = node.ctx.local.findIndex((c) => c.connectionId === connectionId);
  const c = node.ctx.local[i];
  if (c === undefined) return [];
  node.ctx.local.splice(i, 1);
  const out: boolean[] = [];
  for (const t of c.threads)
    out.push(await node.adapter.presenceLeave!(t, c.userId, c.connectionId));
  return out;
}

describe('presence faults', () => {
  it('a partition past the liveness deadline: one survivor purges, each hears the leaves once; the instance back closes its purged connections with 1012', async () => {
    const prefix = uniquePrefix('ppart');
    const hb = { heartbeatMs: 300 };
    const a = await presenceNode(proxy.port, prefix, { instanceId: 'pp-a', adapter: hb });
    const b = await presenceNode(server.port, prefix, { instanceId: 'pp-b', adapter: hb });
    const c = await presenceNode(server.port, prefix, { instanceId: 'pp-c', adapter: hb });
    const survivors = [b, c];
    try {
      for (const [n, w] of [
        [b, 'wb'],
        [c, 'wc'],
      ] as const) {
        await n.join(w, t1, `${w}-1`);
        await n.join(w, t2, `${w}-1`);
      }
      await b.join('shared', t1, 'b-shared');
      await a.join('alice', t1, 'a-alice-1');
      await a.join('alice', t1, 'a-alice-2');
      await a.join('bob', t1, 'a-bob');
      await a.join('bob', t2, 'a-bob');
      await a.join('shared', t1, 'a-shared');
      expect(await b.adapter.presenceCount!(t1)).toBe(5);

      proxy.partition();
      expect(
        await waitFor(
          () =>
            survivors.every((n) => n.leavesOf('t1').length >= 2 && n.leavesOf('t2').length >= 1),
          { timeoutMs: 15_000, intervalMs: 25 },
        ),
      ).toBe(true);
      await sleep(1000);
      for (const n of survivors) {
        expect([...n.leavesOf('t1')].sort()).toEqual(['alice', 'bob']);
        expect(n.leavesOf('t2')).toEqual(['bob']);
      }
      expect(survivors.map((n) => counter(n, 'ws_redis_presence_purges_total')).sort()).toEqual([
        0, 1,
      ]);
      expect(await c.adapter.presence!(t1, { limit: 10 })).toEqual({
        count: 3,
        users: [
          { userId: 'shared', connections: 1 },
          { userId: 'wb', connections: 1 },
          { userId: 'wc', connections: 1 },
        ],
        next: null,
      });

      proxy.heal();
      // Back, and purged: its connections are closed with 1012 (reconnect and resume).
      expect(
        await waitFor(() => a.ctx.evicted.length >= 4, {
          timeoutMs: 15_000,
          intervalMs: 25,
          message: () =>
            `A's connections closed; errors, metrics: ${JSON.stringify(a.ctx.errors.map((e) => [e.stage, String(e.err)]))} ${JSON.stringify(a.ctx.metrics.snapshot().filter((m) => m.name.includes('fail') || m.name.includes('presence')))}`,
        }),
      ).toBe(true);
      expect(a.ctx.evicted.map((e) => e.connectionId).sort()).toEqual([
        'a-alice-1',
        'a-alice-2',
        'a-bob',
        'a-shared',
      ]);
      expect(new Set(a.ctx.evicted.map((e) => e.code))).toEqual(new Set([1012]));
      expect(counter(a, 'ws_redis_presence_closed_total')).toBe(4);
      // Core then counts them out: nothing left to count, no second leave anywhere.
      for (const id of ['a-alice-1', 'a-alice-2', 'a-bob', 'a-shared'])
        expect(await closeLikeCore(a, id)).not.toContain(true);
      // The client reconnects (here, to the same instance) and joins again.
      expect(await a.join('alice', t1, 'a-alice-3')).toBe(true);
      expect(await waitFor(() => b.joinsOf('t1').filter((u) => u === 'alice').length === 2)).toBe(
        true,
      );
      await sleep(1000);
      for (const n of survivors) expect([...n.leavesOf('t1')].sort()).toEqual(['alice', 'bob']);
      expect((await b.adapter.presence!(t1, { limit: 10 })).users).toEqual([
        { userId: 'alice', connections: 1 },
        { userId: 'shared', connections: 1 },
        { userId: 'wb', connections: 1 },
        { userId: 'wc', connections: 1 },
      ]);
      expect(a.ctx.evicted).toHaveLength(4);
    } finally {
      proxy.heal();
      await Promise.all([a.stop(), b.stop(), c.stop()]);
    }
  });

  it('Redis restarted empty: presence is rebuilt from the instances connections, nobody counted twice, no diffs', async () => {
    const lossy = await createRedisServer({ appendonly: false });
    const prefix = uniquePrefix('ploss');
    const a = await presenceNode(lossy.port, prefix, { instanceId: 'pl-a' });
    const b = await presenceNode(lossy.port, prefix, { instanceId: 'pl-b' });
    try {
      await a.join('alice', t1, 'a-1');
      await a.join('alice', t1, 'a-2');
      await a.join('bob', t1, 'a-3');
      await a.join('bob', t2, 'a-3');
      await b.join('alice', t1, 'b-1');
      await b.join('carol', t1, 'b-2');
      const expected = {
        count: 3,
        users: [
          { userId: 'alice', connections: 3 },
          { userId: 'bob', connections: 1 },
          { userId: 'carol', connections: 1 },
        ],
        next: null,
      };
      expect(await b.adapter.presence!(t1, { limit: 10 })).toEqual(expected);
      const heard = [a.changes.length, b.changes.length];

      await lossy.kill();
      await lossy.start();
      const rebuilt = async (): Promise<boolean> => {
        try {
          const page = await a.adapter.presence!(t1, { limit: 10 });
          return JSON.stringify(page) === JSON.stringify(expected);
        } catch {
          return false;
        }
      };
      expect(await waitFor(rebuilt, { timeoutMs: 15_000, intervalMs: 50 })).toBe(true);
      // A few heartbeats later: still exact (a rewrite is a set, never an increment).
      await sleep(1500);
      expect(await b.adapter.presence!(t1, { limit: 10 })).toEqual(expected);
      expect(await b.adapter.presence!(t2, { limit: 10 })).toEqual({
        count: 1,
        users: [{ userId: 'bob', connections: 1 }],
        next: null,
      });
      // Nobody joined or left: no diffs.
      expect([a.changes.length, b.changes.length]).toEqual(heard);
      for (const n of [a, b])
        expect(counter(n, 'ws_redis_presence_repairs_total', { cause: 'quiet' })).toBeGreaterThan(
          0,
        );
      // Presence works as before.
      expect(await b.leave('b-1', t1)).toBe(false);
      expect(await a.adapter.presenceLeave!(t1, 'alice' as UserId, 'a-1' as never)).toBe(false);
      expect(await a.adapter.presenceLeave!(t1, 'alice' as UserId, 'a-2' as never)).toBe(true);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await lossy.stop();
    }
  });

  it('Redis down past every deadline and back (AOF): no instance purges another, no leave, no close', async () => {
    const aof = await createRedisServer({ appendonly: true });
    const prefix = uniquePrefix('paof');
    // a reconnects at once, b up to 300 ms later: within a's grace of 2x the heartbeat (600 ms).
    const a = await presenceNode(aof.port, prefix, {
      instanceId: 'pa-a',
      adapter: { reconnectMaxDelayMs: 10 },
    });
    const b = await presenceNode(aof.port, prefix, {
      instanceId: 'pa-b',
      adapter: { reconnectMaxDelayMs: 300 },
    });
    try {
      await a.join('alice', t1, 'a-1');
      await b.join('bob', t1, 'b-1');
      await aof.kill();
      await sleep(1500); // 5x the heartbeat: both deadlines pass
      await aof.start();
      const both = async (): Promise<boolean> => {
        try {
          const [x, y] = await Promise.all([a.adapter.health(), b.adapter.health()]);
          return x.status === 'ready' && y.status === 'ready';
        } catch {
          return false;
        }
      };
      expect(await waitFor(both, { timeoutMs: 15_000, intervalMs: 50 })).toBe(true);
      await sleep(1500);
      expect([...a.leavesOf('t1'), ...b.leavesOf('t1')]).toEqual([]);
      expect([...a.ctx.evicted, ...b.ctx.evicted]).toEqual([]);
      expect((await a.adapter.presence!(t1, { limit: 10 })).users).toEqual([
        { userId: 'alice', connections: 1 },
        { userId: 'bob', connections: 1 },
      ]);
      expect((await a.adapter.instances()).length).toBe(2);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await aof.stop();
    }
  });

  it('a join that timed out in a short partition is reported once to every instance, its own included', async () => {
    const prefix = uniquePrefix('puncertain');
    // Liveness lasts 2 s: the partition (about 0.6 s) purges nobody.
    const hb = { heartbeatMs: 1000 };
    const a = await presenceNode(proxy.port, prefix, { instanceId: 'pu-a', adapter: hb });
    const b = await presenceNode(server.port, prefix, { instanceId: 'pu-b', adapter: hb });
    try {
      await a.join('carol', t1, 'a-carol');
      await b.join('wb', t1, 'b-wb');
      proxy.partition();
      await expect(a.join('dave', t1, 'a-dave')).rejects.toSatisfy(
        (e: unknown) => isWsError(e) && e.code === 'cluster_error',
      );
      proxy.heal();
      const once = (n: PresenceNode): boolean => n.joinsOf('t1').includes('dave');
      expect(await waitFor(() => once(a) && once(b), { timeoutMs: 10_000 })).toBe(true);
      await sleep(2500);
      expect(a.joinsOf('t1').filter((u) => u === 'dave')).toEqual(['dave']);
      expect(b.joinsOf('t1').filter((u) => u === 'dave')).toEqual(['dave']);
      expect((await b.adapter.presence!(t1, { limit: 10 })).users).toEqual([
        { userId: 'carol', connections: 1 },
        { userId: 'dave', connections: 1 },
        { userId: 'wb', connections: 1 },
      ]);
      expect(a.ctx.evicted).toEqual([]);
      expect(await a.leave('a-dave', t1)).toBe(true);
    } finally {
      proxy.heal();
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
