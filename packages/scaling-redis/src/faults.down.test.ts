import type { ThreadId, UserId } from '@ws/core';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, createNode, uniquePrefix } from '../test/harness.js';
import { createRedisServer, freePort, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';

let server: RedisServer | undefined;
afterAll(async () => {
  await server?.stop();
});

describe('fault: Redis down at start', () => {
  it('starts not ready, delivers locally, fails remote sends fast, then becomes ready', async () => {
    const port = await freePort();
    server = await createRedisServer({ port, start: false });
    const prefix = uniquePrefix('down');
    const a = createNode(port, prefix, { instanceId: 'down-a', adapter: { startTimeoutMs: 200 } });

    const local = await connect(a.manager, 'local-user');
    await a.manager.joinThread(local.id, 'room' as ThreadId);
    expect((await a.manager.health()).status).toBe('down');

    const direct = await a.manager.sendToUser('local-user' as UserId, 'hello');
    expect(direct).toMatchObject({ delivered: 1, failedRemote: true, ok: false });
    expect(direct.error?.code).toBe('cluster_error');

    const t0 = performance.now();
    const remote = await a.manager.sendToUser('elsewhere' as UserId, 'x');
    const thread = await a.manager.sendToThread('room' as ThreadId, 'y');
    const elapsed = performance.now() - t0;
    expect(remote).toMatchObject({ delivered: 0, published: false, failedRemote: true, ok: false });
    expect(thread).toMatchObject({ delivered: 1, failedRemote: true, ok: false });
    expect(elapsed).toBeLessThan(1000);
    expect(local.messages().map((m) => m.data)).toEqual(['hello', 'y']);

    await server.start();
    expect(
      await waitFor(async () => (await a.manager.health()).status === 'ready', { timeoutMs: 8000 }),
    ).toBe(true);

    // The connection admitted while Redis was away is now in the registry, and routing works.
    const b = createNode(port, prefix, { instanceId: 'down-b' });
    expect(
      await waitFor(async () => (await b.manager.health()).status === 'ready', { timeoutMs: 5000 }),
    ).toBe(true);
    expect((await b.manager.findUser('local-user' as UserId))?.connections).toEqual([
      { connectionId: local.id, instanceId: 'down-a' },
    ]);
    const viaB = await b.manager.sendToThread('room' as ThreadId, 'z');
    expect(viaB).toMatchObject({ ok: true, published: true });
    expect(await waitFor(() => local.messages().length === 3)).toBe(true);
    expect(a.errors.some((e) => e.stage === 'redis-connection')).toBe(true);
    await Promise.all([a.close(), b.close()]);
  });

  it('closes promptly while Redis is still down', async () => {
    const port = await freePort();
    const a = createNode(port, uniquePrefix('down-close'), {
      instanceId: 'down-close',
      adapter: { startTimeoutMs: 100 },
    });
    const c = await connect(a.manager, 'u');
    expect((await a.manager.health()).status).toBe('down');
    const t0 = performance.now();
    await a.close(true);
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(c.client.closed?.code).toBe(1012);
    expect(a.manager.state).toBe('closed');
  });
});
