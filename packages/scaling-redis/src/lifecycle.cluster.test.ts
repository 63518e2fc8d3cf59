import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createNode, uniquePrefix } from '../test/harness.js';
import { dedupe, readLifecycle } from '../test/lifecycleRead.js';
import { lifecycleStream } from './lifecycleStream.js';
import { createLocalRedisCluster, sleep, waitFor } from '@ws/testkit';
import type { LocalRedisCluster } from '@ws/testkit';

let cluster: LocalRedisCluster;
let admin: Redis;
beforeAll(async () => {
  cluster = await createLocalRedisCluster();
  const [port] = cluster.ports;
  if (port === undefined) throw new Error('the local Redis Cluster has no node');
  admin = new Redis({ port, host: '127.0.0.1' });
}, 90_000);
afterAll(async () => {
  admin.disconnect();
  await cluster.stop();
});

/** The port of the node that serves a key's slot. */
async function owner(key: string): Promise<number> {
  const slot = Number(await admin.call('CLUSTER', 'KEYSLOT', key));
  const ranges = (await admin.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
  const range = ranges.find(([from, to]) => from <= slot && slot <= to);
  if (range === undefined) throw new Error(`no node serves slot ${slot}`);
  return Number(range[2][1]);
}

describe('lifecycle events on a Redis Cluster', () => {
  it("keeps a connection listed until its disconnect is in the stream, though the list and the stream are on different nodes (the stream's node paused)", async () => {
    const instanceId = 'lc-steps';
    let prefix = uniquePrefix('lc-steps');
    const list = (): string => `${prefix}{i:${instanceId}}:lconns`;
    // A prefix whose stream and list land on different nodes (most do).
    for (let i = 0; i < 20 && (await owner(`${prefix}lc`)) === (await owner(list())); i++)
      prefix = uniquePrefix('lc-steps');
    const streamNode = new Redis({ port: await owner(`${prefix}lc`), host: '127.0.0.1' });
    const listNode = new Redis({ port: await owner(list()), host: '127.0.0.1' });
    expect(streamNode.options.port).not.toBe(listNode.options.port);
    const node = createNode(cluster.ports, prefix, {
      instanceId,
      adapter: { heartbeatMs: 500, lifecycle: lifecycleStream({ stream: 'lc' }) },
    });
    try {
      await waitFor(async () => (await node.manager.health()).status === 'ready', {
        timeoutMs: 15_000,
      });
      const c = await connect(node.manager, 'u');
      expect(
        await waitFor(async () => (await listNode.hexists(list(), c.id)) === 1, {
          timeoutMs: 5000,
        }),
      ).toBe(true);
      await streamNode.call('CLIENT', 'PAUSE', '2000', 'WRITE');
      c.client.close(1000, 'bye');
      // While the disconnect's XADD is held, its HDEL must not run: a crash now would otherwise
      // leave a connect that no purge answers.
      await sleep(1000);
      expect(await listNode.hexists(list(), c.id)).toBe(1);
      await streamNode.call('CLIENT', 'UNPAUSE');
      expect(
        await waitFor(async () => (await listNode.hexists(list(), c.id)) === 0, {
          timeoutMs: 5000,
        }),
      ).toBe(true);
      // The held XADD timed out and was retried: it may be in the stream twice, with one id.
      const events = await readLifecycle(cluster.ports, `${prefix}lc`);
      const ids = new Set(events.filter((e) => e['type'] === 'disconnect').map((e) => e['id']));
      expect([...ids]).toEqual([`${c.id}:disconnect`]);
      expect(dedupe(events).map((e) => [e['type'], e['connection']])).toEqual([
        ['connect', c.id],
        ['disconnect', c.id],
      ]);
    } finally {
      await streamNode.call('CLIENT', 'UNPAUSE').catch(() => undefined);
      streamNode.disconnect();
      listNode.disconnect();
      await node.close();
    }
  });
});
