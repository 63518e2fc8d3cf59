import { spawn } from 'node:child_process';
import path from 'node:path';
import type { ThreadId } from '@ws/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniquePrefix } from '../test/harness.js';
import type { PresenceNode } from '../test/presenceNode.js';
import { presenceNode } from '../test/presenceNode.js';
import { createRedisServer, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';

// The repository root, where `tsx` is installed: node itself runs the child.
const ROOT = path.resolve(import.meta.dirname, '../../..');
const CHILD = path.resolve(import.meta.dirname, '../test/presenceChild.ts');
const HEARTBEAT_MS = 300;

let server: RedisServer;
beforeAll(async () => {
  server = await createRedisServer();
});
afterAll(async () => {
  await server.stop();
});

/** Every leave a context heard for a thread, sorted (duplicates kept). */
function leaves(node: PresenceNode, threadId: string): string[] {
  return [...node.leavesOf(threadId)].sort();
}

/** A counter's value (summed over its labels) in a node's metrics. */
function counter(node: PresenceNode, name: string): number {
  const m = node.ctx.metrics.read(name);
  return m?.kind === 'counter' ? m.samples.reduce((a, x) => a + x.value, 0) : 0;
}

const users = (n: number): string[] => Array.from({ length: n }, (_, i) => `u${i}`).sort();

describe('presence: an instance killed with SIGKILL', () => {
  it("has its users' leaves published once by the survivor that claims the purge, heard once by each survivor; presence keeps only live connections", async () => {
    const prefix = uniquePrefix('psigkill');
    const opts = (instanceId: string) => ({ instanceId, adapter: { heartbeatMs: HEARTBEAT_MS } });
    const s1 = await presenceNode(server.port, prefix, opts('ps-1'));
    const s2 = await presenceNode(server.port, prefix, opts('ps-2'));
    const survivors = [s1, s2];
    for (const [n, w] of [
      [s1, 'w1'],
      [s2, 'w2'],
    ] as const) {
      await n.join(w, 'k1', `${w}-c`);
      await n.join(w, 'k2', `${w}-c`);
    }
    await s1.join('shared', 'k1', 's1-shared');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@ws/source',
        CHILD,
        String(server.port),
        prefix,
        'doomed',
        String(HEARTBEAT_MS),
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      expect(
        await waitFor(() => out.includes('ready'), { timeoutMs: 20_000, intervalMs: 50 }),
      ).toBe(true);
      const k1 = 'k1' as ThreadId;
      const k2 = 'k2' as ThreadId;
      expect(await s1.adapter.presenceCount!(k1)).toBe(13);
      const before = (await s1.adapter.presence!(k1, { limit: 100 })).users;
      expect(before.find((u) => u.userId === 'u0')?.connections).toBe(2);
      expect(before.find((u) => u.userId === 'shared')?.connections).toBe(2);
      // The joins of the child reached both survivors once each.
      expect([...s1.joinsOf('k1')].sort()).toEqual([...users(10), 'w2'].sort());

      const killedAt = performance.now();
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));

      expect(
        await waitFor(
          () => survivors.every((n) => leaves(n, 'k1').length >= 10 && leaves(n, 'k2').length >= 5),
          {
            timeoutMs: 15_000,
            intervalMs: 25,
          },
        ),
      ).toBe(true);
      const purgeMs = performance.now() - killedAt;
      // Published once: wait a few more heartbeats for any second report.
      await new Promise((r) => setTimeout(r, 5 * HEARTBEAT_MS));
      // Each survivor's context heard each leave once: the claimer from its own purge, the other
      // from the one diff per thread it published on the thread's channel.
      for (const n of survivors) {
        expect(leaves(n, 'k1')).toEqual(users(10));
        expect(leaves(n, 'k2')).toEqual(users(5));
        expect(n.changes.filter((c) => c.leaves.length > 0)).toHaveLength(2);
      }
      const purges = survivors.map((n) => counter(n, 'ws_redis_presence_purges_total'));
      expect(purges.sort()).toEqual([0, 1]);
      const diffs = survivors.map((n) => {
        const m = n.ctx.metrics.read('ws_redis_presence_diffs_sent_total');
        return m?.kind === 'counter'
          ? (m.samples.find((x) => x.labels.cause === 'purge')?.value ?? 0)
          : 0;
      });
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
      expect((await s2.adapter.presence!(k2, { limit: 100 })).users.map((u) => u.userId)).toEqual([
        'w1',
        'w2',
      ]);
      console.log(
        `SIGKILLed instance's presence purged after ${Math.round(purgeMs)} ms (heartbeat ${HEARTBEAT_MS} ms)`,
      );
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await Promise.all(survivors.map((n) => n.stop()));
    }
  });
});
