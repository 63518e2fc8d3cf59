import { describe, expect, it } from 'vitest';
import { startChild } from '../test/childProcess.js';
import type { TestClient } from '../test/harness.js';
import { connect, createNode, uniquePrefix } from '../test/harness.js';
import { dedupe, readLifecycle } from '../test/lifecycleRead.js';
import { useRedisTargets } from '../test/redisTargets.js';
import { lifecycleStream } from './lifecycleStream.js';
import { waitFor } from '@ws/testkit';

const HEARTBEAT_MS = 500;

const redis = useRedisTargets();

/**
 * Two survivors on the Redis at `port` (or the Redis Cluster at `port`, an array) and a child
 * process (test/lifecycleChild.ts) with six connections in a thread, SIGKILLed: after the purge
 * every connect has exactly one disconnect, the child's marked `instance_lost`.
 */
async function sigkill(port: number | readonly number[], name: string): Promise<void> {
  const prefix = uniquePrefix(name);
  const key = `${prefix}lc`;
  const doomed = `${name}-doomed`;
  const adapter = { heartbeatMs: HEARTBEAT_MS, lifecycle: lifecycleStream({ stream: 'lc' }) };
  const survivors = [`${name}-s0`, `${name}-s1`].map((instanceId) =>
    createNode(port, prefix, { instanceId, adapter }),
  );
  let closed = false;
  try {
    for (const s of survivors)
      await waitFor(async () => (await s.manager.health()).status === 'ready', {
        timeoutMs: 15_000,
        message: `survivor ${s.manager.instanceId} to be ready`,
      });
    const child = await startChild('lifecycleChild.ts', [
      typeof port === 'number' ? String(port) : port.join(','),
      prefix,
      doomed,
      String(HEARTBEAT_MS),
      '6',
    ]);
    try {
      const lost = child.output().trim().split(' ').slice(1);
      expect(lost).toHaveLength(6);
      const kept: TestClient[] = [];
      for (const [i, s] of survivors.entries()) {
        kept.push(await connect(s.manager, `alive-${i}`));
        (await connect(s.manager, `gone-${i}`)).client.close(1000);
      }
      const connects = async (): Promise<number> =>
        dedupe(await readLifecycle(port, key)).filter((e) => e['type'] === 'connect').length;
      expect(
        await waitFor(async () => (await connects()) === 10, {
          timeoutMs: 15_000,
          intervalMs: 50,
          message: 'the 10 connects in the stream',
        }),
      ).toBe(true);
      await child.kill();
      const lostWritten = async (): Promise<boolean> => {
        const events = await readLifecycle(port, key);
        return lost.every((c) =>
          events.some((e) => e['connection'] === c && e['type'] === 'disconnect'),
        );
      };
      expect(
        await waitFor(lostWritten, {
          timeoutMs: 3 * HEARTBEAT_MS + 15_000,
          intervalMs: 50,
          message: "the killed instance's disconnects in the stream",
        }),
      ).toBe(true);
      expect(kept).toHaveLength(2);
      closed = true;
      await Promise.all(survivors.map((s) => s.close()));

      const events = dedupe(await readLifecycle(port, key));
      const connected = events.filter((e) => e['type'] === 'connect').map((e) => e['connection']);
      const disconnects = events.filter((e) => e['type'] === 'disconnect');
      expect(connected).toHaveLength(10);
      for (const c of connected) {
        const mine = disconnects.filter((e) => e['connection'] === c);
        expect(mine, `disconnects of ${c}`).toHaveLength(1);
        expect(mine[0]?.['id']).toBe(`${c}:disconnect`);
        if (lost.includes(c as string)) {
          expect(mine[0]).toMatchObject({
            reason: 'instance_lost',
            code: '1006',
            instance: doomed,
          });
        } else expect(mine[0]?.['reason']).not.toBe('instance_lost');
      }
      expect(disconnects).toHaveLength(10);
    } finally {
      await child.kill();
    }
  } finally {
    if (!closed) await Promise.all(survivors.map((s) => s.close()));
  }
}

describe('lifecycle events when an instance dies', () => {
  it('SIGKILL of one of three instances: every connect has exactly one disconnect, the lost ones marked instance_lost', async () => {
    await sigkill(redis.server().port, 'lc-kill');
  });

  it('the same on a Redis Cluster (the stream and the connection lists in different slots)', async () => {
    await sigkill(redis.cluster().ports, 'lc-kill-c');
  });
});
