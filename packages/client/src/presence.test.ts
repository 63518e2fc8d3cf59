/**
 * `client.presence(thread)` against two real instances (core + protocols on 127.0.0.1) sharing
 * presence over Redis (`@ws/scaling-redis`, a `redis-server` started by the test) and over core's
 * in-memory hub: the list holds each user once whatever their tabs and instances, follows joins
 * and leaves through `presence_diff`, and is read anew after a reconnect.
 */
import { WebSocket } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { sleep, waitFor } from '@ws/testkit';
import { memoryBackend, redisBackend } from '../test/backends.js';
import { startServer } from '../test/server.js';
import type { RealServer } from '../test/server.js';
import type { Client } from './client.js';
import { createClient } from './client.js';
import type { ClientPresence } from './events.js';
import { record } from '../test/record.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const sorted = (p: ClientPresence | undefined): string[] => [...(p?.users ?? [])].sort();

describe.each([
  ['Redis (@ws/scaling-redis)', redisBackend],
  ['the in-memory hub (createMemoryCluster)', memoryBackend],
])('presence over two instances on %s', (_name, backend) => {
  it('lists each user once, follows first joins and last leaves, and reads anew after a reconnect', async () => {
    const cluster = await backend();
    cleanups.push(() => cluster.stop());
    const servers: RealServer[] = [];
    for (let i = 0; i < 2; i++) {
      const s = await startServer({
        cluster: (url) => cluster.adapter(url),
        manager: {
          maxConnectionsPerUser: 10,
          authorizePresence: () => true,
          presence: { diffIntervalMs: 50 },
        },
      });
      servers.push(s);
      cleanups.push(() => s.close());
    }
    const [a, b] = servers as [RealServer, RealServer];
    const open = (s: RealServer, user: string): Client => {
      const c = createClient({ url: s.url, token: `good-${user}`, WebSocket });
      cleanups.push(() => Promise.resolve(c.close()));
      return c;
    };
    const watcher = open(a, 'watcher');
    const seen = record(watcher, 'presence');
    const first = await watcher.presence('room:1');
    expect(first).toEqual({ thread: 'room:1', count: 1, users: ['watcher'], countsOnly: false });

    const alice1 = open(a, 'alice');
    const alice2 = open(b, 'alice');
    const bob = open(b, 'bob');
    for (const c of [alice1, alice2, bob]) await c.join('room:1');
    await waitFor(() => sorted(seen.at(-1)).join() === 'alice,bob,watcher', {
      timeoutMs: 10_000,
      message: 'alice and bob in the watcher list',
    });
    expect(seen.at(-1)?.count).toBe(3);
    // Alice's own view: three users, alice once though she has two tabs.
    const fromAlice = await alice2.presence('room:1');
    expect(fromAlice.users.slice().sort()).toEqual(['alice', 'bob', 'watcher']);

    alice1.close();
    await sleep(500); // several diff intervals: a second tab closing changes nothing
    expect(sorted(seen.at(-1))).toEqual(['alice', 'bob', 'watcher']);
    alice2.close();
    await waitFor(() => sorted(seen.at(-1)).join() === 'bob,watcher', {
      timeoutMs: 10_000,
      message: "alice's last tab left",
    });

    // The watcher's connection dies; bob leaves while it is away; the list read anew lacks bob.
    const reads = seen.length;
    a.ctx.getConnection(watcher.connectionId as never)?.terminate();
    await waitFor(() => watcher.state !== 'open', { timeoutMs: 5_000, message: 'watcher cut' });
    await bob.leave('room:1');
    await waitFor(() => watcher.state === 'open', { timeoutMs: 15_000, message: 'reconnected' });
    await waitFor(() => seen.length > reads && sorted(seen.at(-1)).join() === 'watcher', {
      timeoutMs: 10_000,
      message: 'the list read anew after the reconnect',
    });
  });

  it("keeps a count only in a thread over the server's list size", async () => {
    const cluster = await backend();
    cleanups.push(() => cluster.stop());
    const s = await startServer({
      cluster: (url) => cluster.adapter(url),
      manager: { authorizePresence: () => true, presence: { diffIntervalMs: 50, fullListMax: 2 } },
    });
    cleanups.push(() => s.close());
    const users = ['u1', 'u2', 'u3'].map((u) => {
      const c = createClient({ url: s.url, token: `good-${u}`, WebSocket });
      cleanups.push(() => Promise.resolve(c.close()));
      return c;
    });
    for (const c of users) await c.join('big');
    const watcher = createClient({ url: s.url, token: 'good-w', WebSocket });
    cleanups.push(() => Promise.resolve(watcher.close()));
    const seen = record(watcher, 'presence');
    expect(await watcher.presence('big')).toEqual({
      thread: 'big',
      count: 4,
      users: [],
      countsOnly: true,
    });
    users[0]?.close();
    await waitFor(() => seen.at(-1)?.count === 3, { timeoutMs: 10_000, message: 'count 3' });
    expect(seen.at(-1)).toMatchObject({ countsOnly: true, users: [] });
    users[1]?.close();
    // Back under the size: the whole list once.
    await waitFor(() => seen.at(-1)?.countsOnly === false, { timeoutMs: 10_000, message: 'list' });
    expect(sorted(seen.at(-1))).toEqual(['u3', 'w']);
  });
});
