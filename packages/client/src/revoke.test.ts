/**
 * A cluster-wide revoke (`disconnectUser(user, { scope: 'cluster' })`) against three real
 * instances (core + protocols over HTTP on 127.0.0.1) sharing cluster state, over Redis with
 * `@ws/scaling-redis` (a `redis-server` started by the test) and over core's in-memory hub:
 * the user's `@ws/client`s (undici's WebSocket) are closed with 4103, report it, and never
 * reconnect; another user stays connected.
 */
import type { UserId } from '@ws/core';
import { CloseCode } from '@ws/core';
import { WebSocket } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { sleep, waitFor } from '@ws/testkit';
import { memoryBackend, redisBackend } from '../test/backends.js';
import { startServer } from '../test/server.js';
import type { RealServer } from '../test/server.js';
import { createClient } from './client.js';
import { record } from '../test/record.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe.each([
  ['Redis (@ws/scaling-redis)', redisBackend],
  ['the in-memory hub (createMemoryCluster)', memoryBackend],
])('three instances over %s', (_name, backend) => {
  it("a cluster-wide revoke closes the user's clients with 4103; they do not reconnect", async () => {
    const cluster = await backend();
    cleanups.push(() => cluster.stop());
    const servers: RealServer[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await startServer({
        cluster: (url) => cluster.adapter(url),
        manager: { maxConnectionsPerUser: 10 },
      });
      servers.push(s);
      cleanups.push(() => s.close());
    }
    for (const s of servers)
      await waitFor(async () => (await s.manager.getClusterStats()).instances.length === 3, {
        timeoutMs: 10_000,
        message: 'three instances registered',
      });
    const clients = servers.map((s) =>
      createClient({ url: s.url, token: 'good-mallory', WebSocket }),
    );
    const bob = createClient({ url: (servers[1] as RealServer).url, token: 'good-bob', WebSocket });
    for (const c of [...clients, bob]) cleanups.push(() => Promise.resolve(c.close()));
    const closed = clients.map((c) => record(c, 'closed'));
    const reconnecting = clients.map((c) => record(c, 'reconnecting'));
    await waitFor(() => [...clients, bob].every((c) => c.state === 'open'), {
      timeoutMs: 10_000,
      message: 'every client open',
    });
    // Every instance's registry knows the user's three connections (Redis admits asynchronously).
    await waitFor(
      async () =>
        ((await (servers[0] as RealServer).manager.findUser('mallory' as UserId))?.connections
          .length ?? 0) === 3,
      { timeoutMs: 10_000, message: 'three connections of mallory' },
    );

    const n = await (servers[2] as RealServer).manager.disconnectUser('mallory' as UserId, {
      scope: 'cluster',
    });
    expect(n).toBe(3);
    await waitFor(() => clients.every((c) => c.state === 'closed'), {
      timeoutMs: 10_000,
      message: 'every client of mallory closed',
    });
    for (const events of closed)
      expect(events).toEqual([{ code: CloseCode.revoked, reason: 'revoked', willRetry: false }]);
    // Wide margin past the client's first backoff: still closed, no attempt.
    await sleep(1_500);
    for (const c of clients) expect(c.state).toBe('closed');
    for (const events of reconnecting) expect(events).toEqual([]);
    let total = 0;
    for (const s of servers) total += s.manager.getStats().connections;
    expect(total).toBe(1);
    expect(bob.state).toBe('open');
  });
});
