import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChild } from '../test/childProcess.js';
import { createNode, uniquePrefix } from '../test/harness.js';
import { readLifecycle } from '../test/lifecycleRead.js';
import { lifecycleStream } from './lifecycleStream.js';
import { createRedisServer, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';

const HEARTBEAT_MS = 500;

let server: RedisServer;
let redis: Redis;
beforeAll(async () => {
  server = await createRedisServer();
  redis = new Redis({ port: server.port, host: '127.0.0.1' });
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

describe('lifecycle events after Redis lost its data', () => {
  it('an instance lists its connections again (FLUSHALL), so when it is then SIGKILLed every one of them still gets its instance_lost disconnect', async () => {
    const prefix = uniquePrefix('lc-flush');
    const key = `${prefix}lc`;
    const list = `${prefix}{i:lc-flushed}:lconns`;
    const survivor = createNode(server.port, prefix, {
      instanceId: 'lc-keeper',
      adapter: { heartbeatMs: HEARTBEAT_MS, lifecycle: lifecycleStream({ stream: 'lc' }) },
    });
    await waitFor(async () => (await survivor.manager.health()).status === 'ready', {
      timeoutMs: 5000,
    });
    const child = await startChild('lifecycleChild.ts', [
      String(server.port),
      prefix,
      'lc-flushed',
      String(HEARTBEAT_MS),
      '4',
    ]);
    try {
      const ids = child.output().trim().split(' ').slice(1);
      expect(ids).toHaveLength(4);
      const listed = async (): Promise<string[]> => (await redis.hkeys(list)).sort();
      expect(await waitFor(async () => (await listed()).length === 4, { timeoutMs: 5000 })).toBe(
        true,
      );
      await redis.flushall();
      expect(await redis.exists(list)).toBe(0);
      // The child's next heartbeat sees a new epoch and reconciles: the list is written anew.
      expect(
        await waitFor(async () => (await listed()).length === 4, {
          timeoutMs: 10 * HEARTBEAT_MS + 5000,
        }),
      ).toBe(true);
      expect(await listed()).toEqual([...ids].sort());

      await child.kill();
      const lost = async () =>
        (await readLifecycle(server.port, key)).filter(
          (e) => e['type'] === 'disconnect' && e['reason'] === 'instance_lost',
        );
      expect(
        await waitFor(async () => (await lost()).length >= 4, {
          timeoutMs: 6 * HEARTBEAT_MS + 10_000,
        }),
      ).toBe(true);
      const written = await lost();
      expect(written.map((e) => e['id']).sort()).toEqual(ids.map((c) => `${c}:disconnect`).sort());
      for (const e of written) expect(e).toMatchObject({ code: '1006', instance: 'lc-flushed' });
      expect(await redis.exists(list)).toBe(0);
    } finally {
      await child.kill();
      await survivor.close();
    }
  });
});
