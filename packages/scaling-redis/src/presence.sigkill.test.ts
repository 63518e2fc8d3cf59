import type { ThreadId, UserId } from '@ws/core';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startChild } from '../test/childProcess.js';
import { uniquePrefix } from '../test/harness.js';
import type { PresenceNode } from '../test/presenceNode.js';
import { counter, presenceNode } from '../test/presenceNode.js';
import { useRedisTargets } from '../test/redisTargets.js';
import { sleep, waitFor } from '@ws/testkit';

const HEARTBEAT_MS = 300;

const redis = useRedisTargets();

/** Every leave a context heard for a thread, sorted (duplicates kept). */
function leaves(node: PresenceNode, threadId: string): string[] {
  return [...node.leavesOf(threadId)].sort();
}

const users = (n: number): string[] => Array.from({ length: n }, (_, i) => `u${i}`).sort();

/**
 * Two survivors watch k1 and k2; a child process (test/presenceChild.ts) holds u0-u9 in k1 (u0
 * with two tabs, plus `shared`, also held by survivor 1) and u0-u4 in k2, and is SIGKILLed.
 */
async function sigkill(port: number | readonly number[], name: string): Promise<void> {
  const prefix = uniquePrefix(name);
  const opts = (instanceId: string) => ({ instanceId, adapter: { heartbeatMs: HEARTBEAT_MS } });
  const s1 = await presenceNode(port, prefix, opts(`${name}-1`));
  const s2 = await presenceNode(port, prefix, opts(`${name}-2`));
  const survivors = [s1, s2];
  try {
    for (const [n, w] of [
      [s1, 'w1'],
      [s2, 'w2'],
    ] as const) {
      await n.join(w, 'k1', `${w}-c`);
      await n.join(w, 'k2', `${w}-c`);
    }
    // No wait here: a started adapter's subscriber is ready, so each join's subscription is in
    // place when its presenceJoin resolves and both survivors hear every join that follows.
    await s1.join('shared', 'k1', 's1-shared');
    const ports = typeof port === 'number' ? String(port) : port.join(',');
    const child = await startChild('presenceChild.ts', [
      ports,
      prefix,
      `${name}-doomed`,
      String(HEARTBEAT_MS),
    ]);
    const k1 = 'k1' as ThreadId;
    const k2 = 'k2' as ThreadId;
    expect(await s1.adapter.presenceCount!(k1)).toBe(13);
    const before = (await s1.adapter.presence!(k1, { limit: 100 })).users;
    expect(before.find((u) => u.userId === 'u0')?.connections).toBe(2);
    expect(before.find((u) => u.userId === 'shared')?.connections).toBe(2);
    // The child's joins reached both survivors, once each.
    expect(
      await waitFor(() => s2.joinsOf('k1').length >= 11, { timeoutMs: 5000, intervalMs: 20 }),
    ).toBe(true);
    expect([...s1.joinsOf('k1')].sort()).toEqual([...users(10), 'w2'].sort());
    expect([...s2.joinsOf('k1')].sort()).toEqual([...users(10), 'shared'].sort());

    const killedAt = performance.now();
    await child.kill();
    expect(
      await waitFor(
        () => survivors.every((n) => leaves(n, 'k1').length >= 10 && leaves(n, 'k2').length >= 5),
        { timeoutMs: 15_000, intervalMs: 25 },
      ),
    ).toBe(true);
    const purgeMs = performance.now() - killedAt;
    // Published once: a few more heartbeats for any second report.
    await sleep(5 * HEARTBEAT_MS);
    // Each survivor's context heard each leave once: the claimer from its own purge, the other
    // from the one diff per thread it published on the thread's channel.
    for (const n of survivors) {
      expect(leaves(n, 'k1')).toEqual(users(10));
      expect(leaves(n, 'k2')).toEqual(users(5));
      expect(n.changes.filter((c) => c.leaves.length > 0)).toHaveLength(2);
    }
    expect(survivors.map((n) => counter(n, 'ws_redis_presence_purges_total')).sort()).toEqual([
      0, 1,
    ]);
    const diffs = survivors.map((n) =>
      counter(n, 'ws_redis_presence_diffs_sent_total', { cause: 'purge' }),
    );
    expect(diffs.reduce((x, y) => x + y, 0)).toBe(2);

    expect(await s2.adapter.presence!(k1, { limit: 100 })).toEqual({
      count: 3,
      users: [
        { userId: 'shared', connections: 1 },
        { userId: 'w1', connections: 1 },
        { userId: 'w2', connections: 1 },
      ],
      next: null,
    });
    const k2Users = (await s2.adapter.presence!(k2, { limit: 100 })).users;
    expect(k2Users.map((u) => u.userId)).toEqual(['w1', 'w2']);
    console.log(
      `${name}: SIGKILLed instance's presence purged after ${Math.round(purgeMs)} ms (heartbeat ${HEARTBEAT_MS} ms)`,
    );
  } finally {
    await Promise.all(survivors.map((n) => n.stop()));
  }
}

describe('presence: an instance killed with SIGKILL', () => {
  it("has its users' leaves published once by the survivor that claims the purge, heard once by each survivor; presence keeps only live connections", async () => {
    await sigkill(redis.server().port, 'psk');
  });

  it('the same on a Redis Cluster (sharded pub/sub, the thread set in the instance slot)', async () => {
    await sigkill(redis.cluster().ports, 'pskc');
  });
});

describe('presence on a Redis Cluster', () => {
  it('a join sends one EVALSHA and one SADD, a leave one EVALSHA (MONITOR on every node)', async () => {
    const prefix = uniquePrefix('pcmds');
    const quiet = { heartbeatMs: 60_000, probeIntervalMs: 60_000 };
    const a = await presenceNode(redis.cluster().ports, prefix, {
      instanceId: 'pcmds-a',
      adapter: quiet,
    });
    const monitors = await Promise.all(
      redis.cluster().ports.map((port) => new Redis({ port, host: '127.0.0.1' }).monitor()),
    );
    const sent: string[] = [];
    for (const m of monitors)
      m.on('monitor', (_time: string, args: string[], source: string) => {
        // The subscriber connection's (s)subscribe calls (a slot refresh may repeat them) are
        // not a join's cost: only commands of the command connection are counted.
        const command = String(args[0]).toLowerCase();
        if (
          source !== 'lua' &&
          !command.includes('subscribe') &&
          args.some((x) => x.includes(prefix))
        )
          sent.push(command);
      });
    try {
      const n = 20;
      const t = 'room' as ThreadId;
      // Warm the node's script cache (a node's first run of a script is EVALSHA, NOSCRIPT, EVAL).
      await a.adapter.presenceJoin!(t, 'warm' as UserId, 'warm' as never);
      await a.adapter.presenceLeave!(t, 'warm' as UserId, 'warm' as never);
      await sleep(200);
      sent.length = 0;
      for (let i = 0; i < n; i++)
        await a.adapter.presenceJoin!(t, `u${i}` as UserId, `c${i}` as never);
      await waitFor(() => sent.length >= 2 * n, { timeoutMs: 5000 });
      await sleep(200);
      expect([...sent].sort()).toEqual([
        ...Array.from({ length: n }, () => 'evalsha'),
        ...Array.from({ length: n }, () => 'sadd'),
      ]);
      sent.length = 0;
      for (let i = 0; i < n; i++)
        await a.adapter.presenceLeave!(t, `u${i}` as UserId, `c${i}` as never);
      await waitFor(() => sent.length >= n, { timeoutMs: 5000 });
      await sleep(200);
      expect(sent).toEqual(Array.from({ length: n }, () => 'evalsha'));
    } finally {
      for (const m of monitors) m.disconnect();
      await a.stop();
    }
  });
});
