import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChild } from '../test/childProcess.js';
import type { TestClient } from '../test/harness.js';
import { connect, createNode, uniquePrefix } from '../test/harness.js';
import { dedupe, readLifecycle } from '../test/lifecycleRead.js';
import { lifecycleStream } from './lifecycleStream.js';
import { createRedisServer, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';

const HEARTBEAT_MS = 500;

let server: RedisServer;
beforeAll(async () => {
  server = await createRedisServer();
});
afterAll(async () => {
  await server.stop();
});

describe('lifecycle events when an instance dies', () => {
  it('SIGKILL of one of three instances: every connect has exactly one disconnect, the lost ones marked instance_lost', async () => {
    const prefix = uniquePrefix('lc-kill');
    const key = `${prefix}lc`;
    const adapter = { heartbeatMs: HEARTBEAT_MS, lifecycle: lifecycleStream({ stream: 'lc' }) };
    const survivors = ['lc-s0', 'lc-s1'].map((instanceId) =>
      createNode(server.port, prefix, { instanceId, adapter }),
    );
    for (const s of survivors)
      await waitFor(async () => (await s.manager.health()).status === 'ready', { timeoutMs: 5000 });
    const child = await startChild('lifecycleChild.ts', [
      String(server.port),
      prefix,
      'lc-doomed',
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
        dedupe(await readLifecycle(server.port, key)).filter((e) => e['type'] === 'connect').length;
      expect(await waitFor(async () => (await connects()) === 10, { timeoutMs: 5000 })).toBe(true);
      await child.kill();
      const lostWritten = async (): Promise<boolean> => {
        const events = await readLifecycle(server.port, key);
        return lost.every((c) =>
          events.some((e) => e['connection'] === c && e['type'] === 'disconnect'),
        );
      };
      expect(await waitFor(lostWritten, { timeoutMs: 3 * HEARTBEAT_MS + 5000 })).toBe(true);
      expect(kept).toHaveLength(2);
      await Promise.all(survivors.map((s) => s.close()));

      const events = dedupe(await readLifecycle(server.port, key));
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
            instance: 'lc-doomed',
          });
        } else expect(mine[0]?.['reason']).not.toBe('instance_lost');
      }
      expect(disconnects).toHaveLength(10);
    } finally {
      await child.kill();
    }
  });
});
