import type { ThreadId, UserId } from '@ws/core';
import { isWsError } from '@ws/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniquePrefix } from '../test/harness.js';
import type { PresenceNode } from '../test/presenceNode.js';
import { presenceNode } from '../test/presenceNode.js';
import { createRedisServer, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';

let server: RedisServer;
beforeAll(async () => {
  server = await createRedisServer();
});
afterAll(async () => {
  await server.stop();
});

const t = 'room' as ThreadId;

async function nodes(name: string, n: number): Promise<PresenceNode[]> {
  const prefix = uniquePrefix(name);
  const out: PresenceNode[] = [];
  for (let i = 0; i < n; i++)
    out.push(await presenceNode(server.port, prefix, { instanceId: `${name}-${i}` }));
  return out;
}

describe('presence (port level)', () => {
  it('counts tabs of one user on two instances as one member; the first join and the last leave answer true, and the other instance hears each once', async () => {
    const [a, b] = (await nodes('tabs', 2)) as [PresenceNode, PresenceNode];
    try {
      // carol, then bob: each instance holds a member, so each receives the thread's diffs.
      expect(await a.join('carol', t, 'a-carol')).toBe(true);
      expect(await b.join('bob', t, 'b-bob')).toBe(true);
      expect(await a.join('alice', t, 'a-1')).toBe(true);
      expect(await a.join('alice', t, 'a-2')).toBe(false);
      expect(await b.join('alice', t, 'b-1')).toBe(false);
      // Called again for a connection already counted (a retry): nothing changes.
      expect(await a.adapter.presenceJoin!(t, 'alice' as UserId, 'a-1' as never)).toBe(false);

      const page = await a.adapter.presence!(t, { limit: 100 });
      expect(page).toEqual({
        count: 3,
        users: [
          { userId: 'alice', connections: 3 },
          { userId: 'bob', connections: 1 },
          { userId: 'carol', connections: 1 },
        ],
        next: null,
      });
      expect(await b.adapter.presenceCount!(t)).toBe(3);

      expect(await b.leave('b-1', t)).toBe(false);
      expect(await a.leave('a-1', t)).toBe(false);
      expect((await b.adapter.presence!(t, { limit: 100 })).users[0]).toEqual({
        userId: 'alice',
        connections: 1,
      });
      expect(await a.leave('a-2', t)).toBe(true);
      // Leaving again (a connection not counted any more) answers false.
      expect(await a.adapter.presenceLeave!(t, 'alice' as UserId, 'a-2' as never)).toBe(false);

      expect(await waitFor(() => b.leavesOf(t).length === 1, { timeoutMs: 5000 })).toBe(true);
      expect(b.joinsOf(t)).toEqual(['alice']);
      expect(b.leavesOf(t)).toEqual(['alice']);
      // A heard bob's join (B published it) and nothing of its own.
      expect(a.joinsOf(t)).toEqual(['bob']);
      expect(a.leavesOf(t)).toEqual([]);
      expect(await a.adapter.presence!(t, { limit: 1 })).toEqual({
        count: 2,
        users: [{ userId: 'bob', connections: 1 }],
        next: 'bob',
      });
      // No diff was heard twice, by anyone.
      await new Promise((r) => setTimeout(r, 300));
      expect(b.changes).toHaveLength(2);
      expect(a.changes).toHaveLength(1);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('pages 2,500 users in a stable order, each exactly once, at most 1,000 a page, with an exact count', async () => {
    const [a] = (await nodes('pages', 1)) as [PresenceNode];
    try {
      const ids = Array.from({ length: 2500 }, (_, i) => `user-${String(i).padStart(5, '0')}`);
      for (let i = 0; i < ids.length; i += 250)
        await Promise.all(ids.slice(i, i + 250).map((u) => a.join(u, t)));
      expect(await a.adapter.presenceCount!(t)).toBe(2500);
      for (const limit of [1000, 333, 5000]) {
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        for (;;) {
          const page = await a.adapter.presence!(t, {
            limit,
            ...(cursor === undefined ? {} : { cursor }),
          });
          pages++;
          expect(page.count).toBe(2500);
          expect(page.users.length).toBeLessThanOrEqual(Math.min(limit, 1000));
          for (const m of page.users) {
            expect(m.connections).toBe(1);
            seen.push(m.userId);
          }
          if (page.next === null) break;
          cursor = page.next;
        }
        expect(seen).toEqual(ids);
        expect(pages).toBe(Math.ceil(2500 / Math.min(limit, 1000)));
      }
      await expect(a.adapter.presence!(t, { limit: 0 })).rejects.toSatisfy(
        (e: unknown) => isWsError(e) && e.code === 'invalid_options',
      );
      expect(await a.adapter.presence!('empty' as ThreadId, { limit: 5 })).toEqual({
        count: 0,
        users: [],
        next: null,
      });
    } finally {
      await a.stop();
    }
  });

  it('sends one Redis command per join and per leave (measured with MONITOR)', async () => {
    const prefix = uniquePrefix('cmds');
    // No heartbeat or probe inside the measured window.
    const quiet = { heartbeatMs: 60_000, probeIntervalMs: 60_000 };
    const a = await presenceNode(server.port, prefix, { instanceId: 'cmds-a', adapter: quiet });
    const b = await presenceNode(server.port, prefix, { instanceId: 'cmds-b', adapter: quiet });
    const monitor = await new Redis({ port: server.port, host: '127.0.0.1' }).monitor();
    const sent: string[] = [];
    const inScripts: string[] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (!args.some((x) => x.includes(prefix))) return;
      (source === 'lua' ? inScripts : sent).push(String(args[0]).toLowerCase());
    });
    try {
      const n = 50;
      // Subscriptions and the script cache first (outside the window: after a Redis restart a
      // script's first run is EVALSHA, NOSCRIPT, EVAL).
      await b.adapter.onLocalJoin({ kind: 'thread', threadId: t });
      await a.adapter.presenceJoin!(t, 'warm' as UserId, 'warm' as never);
      await a.adapter.presenceLeave!(t, 'warm' as UserId, 'warm' as never);
      await new Promise((r) => setTimeout(r, 200));
      sent.length = 0;
      inScripts.length = 0;
      for (let i = 0; i < n; i++)
        await a.adapter.presenceJoin!(t, `u${i}` as UserId, `c${i}` as never);
      await waitFor(() => sent.length >= n, { timeoutMs: 5000 });
      await new Promise((r) => setTimeout(r, 200));
      const joins = { sent: [...sent], inScripts: [...inScripts] };
      sent.length = 0;
      inScripts.length = 0;
      for (let i = 0; i < n; i++)
        await a.adapter.presenceLeave!(t, `u${i}` as UserId, `c${i}` as never);
      await waitFor(() => sent.length >= n, { timeoutMs: 5000 });
      await new Promise((r) => setTimeout(r, 200));
      const leaves = { sent: [...sent], inScripts: [...inScripts] };
      const tally = (xs: string[]): Record<string, number> =>
        Object.fromEntries(
          [...new Set(xs)].sort().map((c) => [c, xs.filter((x) => x === c).length / n]),
        );
      console.log(
        `presence commands per join: sent ${JSON.stringify(tally(joins.sent))}, in the script ${JSON.stringify(tally(joins.inScripts))}; per leave: sent ${JSON.stringify(tally(leaves.sent))}, in the script ${JSON.stringify(tally(leaves.inScripts))}`,
      );
      expect(joins.sent).toEqual(Array.from({ length: n }, () => 'evalsha'));
      expect(leaves.sent).toEqual(Array.from({ length: n }, () => 'evalsha'));
      // Every first join and last leave published its diff inside the script.
      expect(joins.inScripts.filter((c) => c === 'publish')).toHaveLength(n);
      expect(leaves.inScripts.filter((c) => c === 'publish')).toHaveLength(n);
      expect(await waitFor(() => b.leavesOf(t).length === n + 1, { timeoutMs: 5000 })).toBe(true);
    } finally {
      monitor.disconnect();
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it("sweeps the threads it left from the instance's thread set, keeping the ones it holds", async () => {
    const prefix = uniquePrefix('sweep');
    const a = await presenceNode(server.port, prefix, { instanceId: 'sweep-a' });
    const redis = new Redis({ port: server.port, host: '127.0.0.1' });
    const threads = async (): Promise<string[]> =>
      (await redis.smembers(`${prefix}{i:sweep-a}:pthreads`)).sort();
    try {
      for (const x of ['s1', 's2', 's3']) await a.join('alice', x, 'c1');
      expect(await threads()).toEqual(['s1', 's2', 's3']);
      await a.leave('c1', 's1');
      await a.leave('c1', 's3');
      expect(await waitFor(async () => (await threads()).length === 1, { timeoutMs: 5000 })).toBe(
        true,
      );
      expect(await threads()).toEqual(['s2']);
      expect(await a.adapter.presenceCount!('s2' as ThreadId)).toBe(1);
    } finally {
      redis.disconnect();
      await a.stop();
    }
  });
});
