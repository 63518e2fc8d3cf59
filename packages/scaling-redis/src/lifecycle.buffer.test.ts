import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestNode } from '../test/harness.js';
import { connect, createNode, uniquePrefix } from '../test/harness.js';
import { dedupe, readLifecycle } from '../test/lifecycleRead.js';
import { lifecycleStream } from './lifecycleStream.js';
import { createRedisServer, sleep, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';

// AOF with fsync always: what was written before the kill is there after the restart.
let server: RedisServer;
beforeAll(async () => {
  server = await createRedisServer({ appendonly: true });
});
afterAll(async () => {
  await server.stop();
});

function dropped(node: TestNode): number {
  return node.manager.metrics.counter('ws_redis_lifecycle_dropped_total', { help: '' }).get();
}

/** One node, one connection written; then Redis is down while `n` users connect (n events). */
async function outage(
  name: string,
  n: number,
  bufferSize: number,
): Promise<{ node: TestNode; key: string }> {
  const prefix = uniquePrefix(name);
  const node = createNode(server.port, prefix, {
    instanceId: name,
    adapter: { lifecycle: lifecycleStream({ stream: 'lc', bufferSize }) },
  });
  await waitFor(async () => (await node.manager.health()).status === 'ready', { timeoutMs: 5000 });
  await connect(node.manager, 'before');
  const key = `${prefix}lc`;
  expect(await waitFor(async () => (await readLifecycle(server.port, key)).length === 1)).toBe(
    true,
  );
  await server.kill();
  await waitFor(async () => (await node.manager.health()).status !== 'ready', { timeoutMs: 5000 });
  for (let i = 0; i < n; i++) await connect(node.manager, `during-${i}`);
  await sleep(2000);
  await server.start();
  return { node, key };
}

const during = (from: number, to: number): string[] =>
  Array.from({ length: to - from }, (_, i) => `during-${from + i}`);

describe('lifecycle events while Redis is down for a few seconds', () => {
  it('fewer events than the buffer: all delivered after it returns, in order, 0 dropped', async () => {
    const { node, key } = await outage('lc-buf-under', 50, 100);
    expect(
      await waitFor(async () => (await readLifecycle(server.port, key)).length >= 51, {
        timeoutMs: 10_000,
      }),
    ).toBe(true);
    const users = dedupe(await readLifecycle(server.port, key)).map((e) => e['user']);
    expect(users).toEqual(['before', ...during(0, 50)]);
    expect(dropped(node)).toBe(0);
    await node.close();
  });

  it('more events than the buffer: exactly the excess (the oldest) counted as dropped, the rest delivered in order', async () => {
    const { node, key } = await outage('lc-buf-over', 80, 50);
    expect(
      await waitFor(async () => (await readLifecycle(server.port, key)).length >= 51, {
        timeoutMs: 10_000,
      }),
    ).toBe(true);
    await sleep(300);
    const users = dedupe(await readLifecycle(server.port, key)).map((e) => e['user']);
    expect(users).toEqual(['before', ...during(30, 80)]);
    expect(dropped(node)).toBe(30);
    await node.close();
  });
});
