import { spawn } from 'node:child_process';
import path from 'node:path';
import type { ThreadId, UserId } from '@ws/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNode, uniquePrefix } from '../test/harness.js';
import { createRedisServer, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';

// The repository root, where `tsx` is installed: node itself runs the child (killing a `tsx`
// wrapper would leave its node process alive).
const ROOT = path.resolve(import.meta.dirname, '../../..');
const CHILD = path.resolve(import.meta.dirname, '../test/childNode.ts');
const HEARTBEAT_MS = 500;

let server: RedisServer;
beforeAll(async () => {
  server = await createRedisServer();
});
afterAll(async () => {
  await server.stop();
});

describe('fault: an instance killed with SIGKILL', () => {
  it('is purged within 3x the heartbeat, and no send to its users counts as delivered', async () => {
    const prefix = uniquePrefix('sigkill');
    const survivor = createNode(server.port, prefix, {
      instanceId: 'survivor',
      adapter: { heartbeatMs: HEARTBEAT_MS },
    });
    await survivor.redis.connect();
    const args = [
      '--import',
      'tsx',
      '--conditions=@ws/source',
      CHILD,
      String(server.port),
      prefix,
      'doomed',
      String(HEARTBEAT_MS),
    ];
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      expect(
        await waitFor(() => out.includes('ready'), { timeoutMs: 20_000, intervalMs: 50 }),
      ).toBe(true);
      const victimId = out.trim().split(' ')[1];
      expect(
        await waitFor(async () => (await survivor.manager.findUser('victim' as UserId)) !== null, {
          timeoutMs: 5000,
        }),
      ).toBe(true);
      expect((await survivor.manager.findUser('victim' as UserId))?.connections).toEqual([
        { connectionId: victimId, instanceId: 'doomed' },
      ]);
      expect(
        await waitFor(
          async () => (await survivor.manager.getClusterStats()).instances.length === 2,
          { timeoutMs: 5000 },
        ),
      ).toBe(true);

      const killedAt = performance.now();
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));

      // Once Redis has seen the dead process's sockets close (well before any purge), nothing
      // counts as handed over to the dead instance, and nothing as delivered.
      const channel = `${prefix}{u:victim}:ch`;
      const numsub = async () =>
        Number(((await survivor.redis.call('PUBSUB', 'NUMSUB', channel)) as [string, number])[1]);
      expect(
        await waitFor(async () => (await numsub()) === 0, { timeoutMs: 2000, intervalMs: 10 }),
      ).toBe(true);
      const toUser = await survivor.manager.sendToUser('victim' as UserId, 'hello?');
      expect(toUser).toMatchObject({ delivered: 0, published: false });
      const toThread = await survivor.manager.sendToThread('victim-room' as ThreadId, 'anyone?');
      expect(toThread).toMatchObject({ delivered: 0, published: false });

      const purged = await waitFor(
        async () =>
          (await survivor.manager.findUser('victim' as UserId)) === null &&
          (await survivor.manager.getClusterStats()).instances.length === 1,
        { timeoutMs: 10_000, intervalMs: 25 },
      );
      const purgeMs = performance.now() - killedAt;
      expect(purged).toBe(true);
      // Liveness lasts 2x the heartbeat and survivors sweep every heartbeat: 3x at most, plus
      // the sweep's own round trips (a margin for a loaded CI).
      expect(purgeMs).toBeLessThan(3 * HEARTBEAT_MS + 1000);
      expect((await survivor.manager.sendToUser('victim' as UserId, 'still?')).published).toBe(
        false,
      );
      console.log(
        `SIGKILLed instance purged after ${Math.round(purgeMs)} ms (heartbeat ${HEARTBEAT_MS} ms)`,
      );
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await survivor.close();
    }
  });
});
