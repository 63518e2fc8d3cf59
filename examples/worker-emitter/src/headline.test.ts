/**
 * The emitter end to end: a worker PROCESS that has only the emitter publishes 10,000 messages
 * over 100 threads while clients (`@ws/client` on `ws`) on two instance processes receive them,
 * some dropped and resumed mid-stream, and a client publishes on the same threads through an
 * instance; then a revoke from the worker and from a manager reaches three instances.
 */
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClientMessage } from '@ws/client';
import { CloseCode, compareOffsets, createManager, silentLogger, userId } from '@ws/core';
import type { Manager } from '@ws/core';
import { attach } from '@ws/protocols/ws';
import { redisCluster } from '@ws/scaling-redis';
import { createRedisServer, sleep, waitFor } from '@ws/testkit';
import type { RedisServer } from '@ws/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestClient } from '../test/clients.js';
import { testClient } from '../test/clients.js';
import type { Instance } from '../test/processes.js';
import { runScript, startInstance } from '../test/processes.js';
import type { Progress } from './worker.js';

const THREADS = 100;
const MESSAGES = 10_000;
const OWN_PER_THREAD = 10;
const PER_THREAD = MESSAGES / THREADS + OWN_PER_THREAD;
const HISTORY = '20000';
const threads = Array.from({ length: THREADS }, (_, n) => `job:${n}`);

let redis: RedisServer;
let a: Instance;
let b: Instance;
const prefix = `emit-e2e-${process.pid}:`;
const env = (): Record<string, string> => ({
  REDIS_URL: redis.url,
  KEY_PREFIX: prefix,
  HISTORY_MAX_LEN: HISTORY,
  // A loaded 2-core machine: Redis answers late while the instances are busy delivering.
  COMMAND_TIMEOUT_MS: '10000',
});
const clients: TestClient[] = [];

beforeAll(async () => {
  redis = await createRedisServer();
  [a, b] = await Promise.all([
    startInstance({ ...env(), INSTANCE_ID: 'e2e-a' }),
    startInstance({ ...env(), INSTANCE_ID: 'e2e-b' }),
  ]);
}, 90_000);
afterAll(async () => {
  for (const c of clients) c.client.close();
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
});

function connect(url: string, user: string): TestClient {
  const c = testClient(url, user);
  clients.push(c);
  return c;
}

/** The thread messages one client got, per thread, in arrival order. */
function byThread(messages: readonly ClientMessage[]): Map<string, ClientMessage[]> {
  const out = new Map<string, ClientMessage[]>();
  for (const m of messages) {
    if (m.thread === undefined) continue;
    let list = out.get(m.thread);
    if (list === undefined) out.set(m.thread, (list = []));
    list.push(m);
  }
  return out;
}

describe('a worker process with only the emitter', () => {
  it('publishes 10,000 messages over 100 threads: nothing lost or doubled, offset order, interleaved with in-process messages', async () => {
    const receivers = [
      connect(a.wsUrl, 'r0'),
      connect(a.wsUrl, 'r1'),
      connect(b.wsUrl, 'r2'),
      connect(b.wsUrl, 'r3'),
    ];
    const publisher = connect(a.wsUrl, 'pub');
    await Promise.all(
      [...receivers, publisher].map((r) => Promise.all(threads.map((t) => r.client.join(t)))),
    );

    const worker = runScript('src/main.ts', {
      ...env(),
      THREADS: String(THREADS),
      MESSAGES: String(MESSAGES),
    });
    // In-process messages on the same threads (instance a's manager), while the worker runs.
    const own = new Map<string, string[]>();
    const publishing = (async () => {
      for (let step = 0; step < OWN_PER_THREAD; step++) {
        await Promise.all(
          threads.map(async (t) => {
            const { offset } = await publisher.client.publish(t, { own: step });
            own.set(t, [...(own.get(t) ?? []), offset as string]);
          }),
        );
        await sleep(50);
      }
    })();
    publishing.catch(() => {}); // awaited below; a failure must not be reported unhandled first
    // Drop r1 and r3 mid-stream, twice each; they resume.
    const [r0, r1, r2, r3] = receivers as [TestClient, TestClient, TestClient, TestClient];
    for (const at of [1500, 5000]) {
      await waitFor(() => r1.messages.length >= at && r3.messages.length >= at, {
        timeoutMs: 60_000,
        intervalMs: 5,
      });
      r1.drop();
      r3.drop();
    }
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toContain(`done {"sent":${MESSAGES},"failed":0}`);
    await publishing;
    const total = THREADS * PER_THREAD;
    await waitFor(() => receivers.every((r) => r.messages.length >= total), {
      timeoutMs: 60_000,
      intervalMs: 50,
      message: () =>
        `every receiver to get ${total}: ${receivers.map((r) => r.messages.length).join(',')}`,
    });
    await sleep(300);

    const reference = byThread(r0.messages);
    for (const r of [r0, r1, r2, r3]) {
      expect(r.messages).toHaveLength(total);
      const got = byThread(r.messages);
      expect(got.size).toBe(THREADS);
      for (const t of threads) {
        const list = got.get(t) ?? [];
        const offsets = list.map((m) => m.offset as string);
        // Per-thread order is offset order, no offset twice.
        for (let i = 1; i < offsets.length; i++)
          expect(compareOffsets(offsets[i - 1] as string, offsets[i] as string)).toBe(-1);
        // Every client got the same sequence, and each source's messages in their own order.
        expect(offsets).toEqual((reference.get(t) ?? []).map((m) => m.offset));
        const fromWorker = list
          .filter((m) => m.from === null)
          .map((m) => (m.data as Progress).step);
        expect(fromWorker).toEqual(Array.from({ length: MESSAGES / THREADS }, (_, i) => i));
        const mine = list.filter((m) => m.from === 'pub');
        expect(mine.map((m) => (m.data as { own: number }).own)).toEqual(
          Array.from({ length: OWN_PER_THREAD }, (_, i) => i),
        );
        // The in-process messages sit at the offsets their acks gave, among the worker's.
        expect(mine.map((m) => m.offset)).toEqual(own.get(t));
      }
    }
    for (const r of [r1, r3]) {
      expect(r.reconnecting).toEqual([1006, 1006]);
      expect(r.resumed.length).toBeGreaterThan(0);
      expect(r.resumed.every((e) => e.recovered)).toBe(true);
    }
    expect(r0.reconnecting).toEqual([]);
    // History holds the same: the worker's messages read back by server code.
    const raw = new Redis(redis.url);
    const ids = (await raw.call('XRANGE', `${prefix}{t:job:7}:h`, '-', '+')) as [string][];
    raw.disconnect();
    expect(ids.map(([id]) => id)).toEqual(reference.get('job:7')?.map((m) => m.offset));
    for (const r of receivers) r.client.close();
    publisher.client.close();
  });
});

/** A third instance in this process, so a manager can revoke. */
async function inProcessInstance(): Promise<{
  manager: Manager;
  url: string;
  close(): Promise<void>;
}> {
  const client = new Redis(redis.url, { lazyConnect: true });
  const manager = createManager({
    instanceId: 'e2e-c',
    cluster: redisCluster({ redis: client, keyPrefix: prefix, heartbeatMs: 500 }),
    authorizeThread: () => true,
    maxConnectionsPerUser: 10,
    logger: silentLogger(),
  });
  const http: Server = createServer();
  const endpoint = attach(manager, {
    server: http,
    path: '/ws',
    authenticate: (_req, token) => (token === undefined ? null : { userId: token }),
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  await waitFor(async () => (await manager.getClusterStats()).instances.length === 3, {
    timeoutMs: 20_000,
  });
  return {
    manager,
    url: `ws://127.0.0.1:${port}/ws`,
    async close() {
      await manager.close({ timeoutMs: 1000 });
      await endpoint.close();
      http.closeAllConnections();
      http.close();
      client.disconnect();
    },
  };
}

/** Connects `user` on each URL and waits until every client is open. */
async function openOn(urls: readonly string[], user: string): Promise<TestClient[]> {
  const list = urls.map((u) => connect(u, user));
  await waitFor(() => list.every((c) => c.client.state === 'open'), { timeoutMs: 20_000 });
  return list;
}

describe('a cluster-wide revoke reaches three instances', () => {
  it('from the worker and from a manager: 4103, no reconnect, other users untouched', async () => {
    const c = await inProcessInstance();
    const urls = [a.wsUrl, b.wsUrl, c.url];
    const bob = await openOn(urls, 'bob');

    const mallory = await openOn(urls, 'mallory');
    const worker = runScript('src/main.ts', {
      ...env(),
      THREADS: '1',
      MESSAGES: '1',
      REVOKE_USER: 'mallory',
    });
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toContain('"revoked":{"published":true}');
    const closedAll = async (list: TestClient[]): Promise<void> => {
      await waitFor(() => list.every((m) => m.client.state === 'closed'), { timeoutMs: 20_000 });
      // Well past the client's backoff: it never came back.
      await sleep(1500);
      for (const m of list) {
        expect(m.closed).toEqual([CloseCode.revoked]);
        expect(m.reconnecting).toEqual([]);
        expect(m.client.state).toBe('closed');
      }
    };
    await closedAll(mallory);

    const again = await openOn(urls, 'mallory');
    expect(await c.manager.disconnectUser(userId('mallory'), { scope: 'cluster' })).toBe(3);
    await closedAll(again);
    for (const x of bob) {
      expect(x.client.state).toBe('open');
      expect(x.closed).toEqual([]);
      expect(x.reconnecting).toEqual([]);
    }
    for (const x of bob) x.client.close();
    await c.close();
  });
});
