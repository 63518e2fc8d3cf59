/**
 * Two real instances (core + protocols) sharing cluster state: over Redis with
 * `@ws/scaling-redis` (a `redis-server` started by the test), and over core's in-memory hub.
 * A drain of instance A moves the client to B, which resumes the thread from the cluster's
 * history: the client misses nothing published meanwhile and sees nothing twice.
 */
import { CloseCode } from '@ws/core';
import { WebSocket } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { sleep, waitFor } from '@ws/testkit';
import { memoryBackend, redisBackend } from '../test/backends.js';
import { startServer } from '../test/server.js';
import type { RealServer } from '../test/server.js';
import { createClient } from './client.js';
import type { ClientMessage } from './events.js';
import { record } from '../test/record.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe.each([
  ['Redis (@ws/scaling-redis)', redisBackend],
  ['the in-memory hub (createMemoryCluster)', memoryBackend],
])('two instances over %s', (_name, backend) => {
  it('a drain moves the client to the peer, and it misses nothing published meanwhile', async () => {
    const cluster = await backend();
    cleanups.push(() => cluster.stop());
    const drainOptions = {
      manager: { drain: { spreadMs: 200, ratePerSecond: 500, timeoutMs: 10_000 } },
    };
    const a: RealServer = await startServer({
      cluster: (url) => cluster.adapter(url),
      ...drainOptions,
    });
    cleanups.push(() => a.close());
    // B's handshakes take 150 ms, so messages are surely published while the client is between instances.
    const b: RealServer = await startServer({
      cluster: (url) => cluster.adapter(url),
      ...drainOptions,
      attach: {
        authenticate: async (_req, token) => {
          await sleep(150);
          return token?.startsWith('good-') === true ? { userId: token.slice(5) } : null;
        },
      },
    });
    cleanups.push(() => b.close());
    let urls: (string | undefined)[] = [];
    for (let i = 0; i < 100 && urls.length < 2; i++) {
      urls = (await a.manager.getClusterStats()).instances.map((inst) => inst.url);
      if (urls.length < 2) await sleep(50);
    }
    expect(urls.sort()).toEqual([a.url, b.url].sort());

    const c = createClient({ url: a.url, token: 'good-carol', WebSocket });
    cleanups.push(() => Promise.resolve(c.close()));
    const got: ClientMessage[] = [];
    c.on('message', (m) => got.push(m));
    const reconnecting = record(c, 'reconnecting');
    const resumed = record(c, 'resumed');
    const opened = record(c, 'open');
    await c.join('room');
    expect(c.instanceId).toBe(a.manager.instanceId);

    // Instance B publishes 1..N to the thread, steadily; A drains while it does.
    const N = 120;
    let published = 0;
    let atClose = -1;
    let atOpen = -1;
    c.on('reconnecting', () => (atClose = published));
    c.on('open', () => (atOpen = published));
    let draining: Promise<void> | undefined;
    for (let n = 1; n <= N; n++) {
      const result = await b.manager.sendToThread('room' as never, n);
      published = n;
      expect(result.error).toBeUndefined();
      if (n === 30) draining = a.close({ drain: true });
      await sleep(5);
    }
    await draining;
    await waitFor(() => got.length >= N, { timeoutMs: 15_000, message: `all ${N} messages` });
    await sleep(100);

    // Messages were published while the client was away, and the replay brought them back.
    expect(atOpen - atClose).toBeGreaterThanOrEqual(1);
    expect(got.map((m) => m.data)).toEqual(Array.from({ length: N }, (_v, i) => i + 1));
    expect(new Set(got.map((m) => m.offset)).size).toBe(N);
    expect(reconnecting).toHaveLength(1);
    expect(reconnecting[0]).toMatchObject({
      code: CloseCode.serviceRestart,
      willRetry: true,
      url: b.url,
    });
    expect(reconnecting[0]?.delayMs).toBeLessThanOrEqual(200);
    expect(c.url).toBe(b.url);
    expect(c.instanceId).toBe(b.manager.instanceId);
    expect(opened.map((o) => [o.resumed, o.restored])).toEqual([
      [false, []],
      [true, ['room']],
    ]);
    expect(resumed).toEqual([{ thread: 'room', recovered: true }]);
    expect(c.state).toBe('open');
  });

  it('with nothing received before the drain, resumes from the session join and gets what it missed', async () => {
    const cluster = await backend();
    cleanups.push(() => cluster.stop());
    const a: RealServer = await startServer({
      cluster: (url) => cluster.adapter(url),
      manager: { drain: { spreadMs: 0 } },
    });
    cleanups.push(() => a.close());
    // B holds handshakes until the test opens the gate: the messages are surely published while away.
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const b: RealServer = await startServer({
      cluster: (url) => cluster.adapter(url),
      attach: {
        authenticate: async (_req, token) => {
          await gate;
          return token?.startsWith('good-') === true ? { userId: token.slice(5) } : null;
        },
      },
    });
    cleanups.push(() => b.close());
    for (let i = 0; i < 100 && (await a.manager.getClusterStats()).instances.length < 2; i++)
      await sleep(50);

    const c = createClient({ url: a.url, token: 'good-dave', WebSocket });
    cleanups.push(() => Promise.resolve(c.close()));
    const got: ClientMessage[] = [];
    c.on('message', (m) => got.push(m));
    const resumed = record(c, 'resumed');
    await c.join('quiet');
    // Published before the join: never replayed to this session.
    await b.manager.sendToThread('other' as never, 'unrelated');
    await a.close({ drain: true });
    expect(c.state).not.toBe('open');
    await b.manager.sendToThread('quiet' as never, 'while away 1');
    await b.manager.sendToThread('quiet' as never, 'while away 2');
    expect(c.state).not.toBe('open');
    openGate();
    await waitFor(() => resumed.length === 1, { timeoutMs: 15_000, message: 'resumed on B' });
    await waitFor(() => got.length === 2, { timeoutMs: 5000, message: '2 messages' });
    expect(resumed).toEqual([{ thread: 'quiet', recovered: true }]);
    expect(got.map((m) => m.data)).toEqual(['while away 1', 'while away 2']);
    expect(c.instanceId).toBe(b.manager.instanceId);
  });
});
