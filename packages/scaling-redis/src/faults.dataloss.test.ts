import type { Offset, ThreadId, UserId } from '@ws/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createNode, uniquePrefix } from '../test/harness.js';
import { createRedisServer, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';

let server: RedisServer;
beforeAll(async () => {
  server = await createRedisServer({ appendonly: false });
});
afterAll(async () => {
  await server.stop();
});

describe('fault: Redis restarted empty (no persistence)', () => {
  it('writes the registry back, and answers resume of lost history as not recoverable', async () => {
    const prefix = uniquePrefix('loss');
    const a = createNode(server.port, prefix, { instanceId: 'loss-a' });
    const b = createNode(server.port, prefix, { instanceId: 'loss-b' });
    for (const n of [a, b])
      expect(
        await waitFor(async () => (await n.manager.health()).status === 'ready', {
          timeoutMs: 5000,
        }),
      ).toBe(true);
    const t = 'lost' as ThreadId;
    const held = await connect(a.manager, 'holder');
    await a.manager.joinThread(held.id, t);
    const before = (await a.manager.sendToThread(t, 'before')).offset as Offset;

    await server.kill();
    await server.start();
    for (const n of [a, b])
      expect(
        await waitFor(async () => (await n.manager.health()).status === 'ready', {
          timeoutMs: 8000,
        }),
      ).toBe(true);

    // The registry came back from the instances themselves.
    expect(
      await waitFor(async () => (await b.manager.findUser('holder' as UserId)) !== null, {
        timeoutMs: 5000,
      }),
    ).toBe(true);
    expect((await b.manager.findUser('holder' as UserId))?.connections).toEqual([
      { connectionId: held.id, instanceId: 'loss-a' },
    ]);
    expect(
      await waitFor(async () => (await b.manager.getClusterStats()).instances.length === 2, {
        timeoutMs: 5000,
      }),
    ).toBe(true);
    // Routing came back too.
    expect(await b.manager.sendToUser('holder' as UserId, 'back')).toMatchObject({
      ok: true,
      published: true,
    });
    expect(await waitFor(() => held.messages().some((m) => m.data === 'back'))).toBe(true);

    // The history is gone: resuming from before the loss is not recoverable, never partial.
    await b.manager.sendToThread(t, 'after');
    held.client.sendFrame({ type: 'resume', thread: t, offset: before, id: 'r' });
    expect(await waitFor(() => held.client.framesOf('ack').some((f) => f.id === 'r'))).toBe(true);
    expect(held.client.framesOf('ack').find((f) => f.id === 'r')).toMatchObject({
      recovered: false,
    });
    await Promise.all([a.close(), b.close()]);
  });
});
