import type { ServerFrame, ThreadId } from '@ws/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChild } from '../test/childProcess.js';
import type { TestClient } from '../test/harness.js';
import { closeAll, connect, createNode, readyNodes, uniquePrefix } from '../test/harness.js';
import { createRedisServer, sleep, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';

let server: RedisServer;
beforeAll(async () => {
  server = await createRedisServer();
});
afterAll(async () => {
  await server.stop();
});

type Diff = Extract<ServerFrame, { type: 'presence_diff' }>;
const diffs = (c: TestClient): Diff[] => c.client.framesOf('presence_diff');
/** The user ids of the diffs (a diff above `fullListMax` carries counts: none here). */
const ids = (v: number | readonly string[]): readonly string[] => (typeof v === 'number' ? [] : v);
const joined = (c: TestClient): string[] => diffs(c).flatMap((d) => ids(d.joins));
const left = (c: TestClient): string[] => diffs(c).flatMap((d) => ids(d.leaves));

/** Joins over the wire, watching presence, and waits for the ack. */
async function watch(c: TestClient, thread: string): Promise<void> {
  c.client.sendFrame({ type: 'join', thread, id: 'watch', presence: true });
  expect(
    await waitFor(() => c.client.framesOf('ack').some((f) => f.id === 'watch'), {
      timeoutMs: 5000,
    }),
  ).toBe(true);
}

const watching = { manager: { authorizePresence: () => true } };

describe('presence end to end (managers on the Redis adapter)', () => {
  it("counts alice's three tabs on two instances as one member; a watcher sees her join and her leave once", async () => {
    const nodes = await readyNodes(server.port, 'pe2e', 2, () => watching);
    const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
    const room = 'e2e-room' as ThreadId;
    const watcher = await connect(b.manager, 'watcher');
    await watch(watcher, room);
    const tabs = [
      await connect(a.manager, 'alice'),
      await connect(a.manager, 'alice'),
      await connect(b.manager, 'alice'),
    ];
    for (const [i, tab] of tabs.entries()) await (i < 2 ? a : b).manager.joinThread(tab.id, room);
    expect(
      await waitFor(async () => (await a.manager.presenceCount(room)) === 2, { timeoutMs: 5000 }),
    ).toBe(true);
    expect(await a.manager.presence(room)).toEqual({
      count: 2,
      users: [
        { userId: 'alice', connections: 3 },
        { userId: 'watcher', connections: 1 },
      ],
      next: null,
    });
    expect(await waitFor(() => joined(watcher).includes('alice'), { timeoutMs: 5000 })).toBe(true);
    for (const tab of tabs) tab.client.close(1000);
    expect(await waitFor(() => left(watcher).includes('alice'), { timeoutMs: 5000 })).toBe(true);
    await sleep(500);
    expect(joined(watcher).filter((u) => u === 'alice')).toEqual(['alice']);
    expect(left(watcher)).toEqual(['alice']);
    expect(await b.manager.presence(room)).toEqual({
      count: 1,
      users: [{ userId: 'watcher', connections: 1 }],
      next: null,
    });
    await closeAll(nodes);
  });

  it("a SIGKILLed instance's user leaves once for a watcher on the survivor", async () => {
    const prefix = uniquePrefix('pe2ekill');
    const heartbeatMs = 500;
    const survivor = createNode(server.port, prefix, {
      instanceId: 'pe-survivor',
      adapter: { heartbeatMs },
      ...watching,
    });
    expect(
      await waitFor(async () => (await survivor.manager.health()).status === 'ready', {
        timeoutMs: 5000,
      }),
    ).toBe(true);
    const room = 'victim-room' as ThreadId;
    const watcher = await connect(survivor.manager, 'watcher');
    await watch(watcher, room);
    const child = await startChild('childNode.ts', [
      String(server.port),
      prefix,
      'pe-doomed',
      String(heartbeatMs),
    ]);
    try {
      expect(await waitFor(() => joined(watcher).includes('victim'), { timeoutMs: 5000 })).toBe(
        true,
      );
      expect(await survivor.manager.presenceCount(room)).toBe(2);
      await child.kill();
      expect(
        await waitFor(() => left(watcher).includes('victim'), {
          timeoutMs: 15_000,
          intervalMs: 25,
        }),
      ).toBe(true);
      await sleep(3 * heartbeatMs);
      expect(left(watcher)).toEqual(['victim']);
      expect(await survivor.manager.presence(room)).toEqual({
        count: 1,
        users: [{ userId: 'watcher', connections: 1 }],
        next: null,
      });
    } finally {
      await child.kill();
      await survivor.close();
    }
  });
});
