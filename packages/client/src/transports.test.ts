/**
 * The HTTP fallback transport against real servers (core + protocols' `attach` and
 * `httpTransport`), reached through a test reverse proxy that refuses or hangs WebSocket
 * upgrades, or that spreads HTTP requests over two instances with no stickiness.
 */
import { WebSocket } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestProxy } from '@ws/testkit';
import { sleep, startTestProxy, waitFor } from '@ws/testkit';
import { memoryBackend } from '../test/backends.js';
import { publishThroughDrain } from '../test/drainRun.js';
import { record } from '../test/record.js';
import { startServer } from '../test/server.js';
import type { RealServer } from '../test/server.js';
import { createClient } from './client.js';
import type { Client } from './client.js';
import type { ClientMessage } from './events.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function server(...args: Parameters<typeof startServer>): Promise<RealServer> {
  const s = await startServer(...args);
  cleanups.push(() => s.close());
  return s;
}

async function proxy(...args: Parameters<typeof startTestProxy>): Promise<TestProxy> {
  const p = await startTestProxy(...args);
  cleanups.push(() => p.close());
  return p;
}

function client(...args: Parameters<typeof createClient>): Client {
  const c = createClient(...args);
  cleanups.push(() => c.close());
  return c;
}

const wsUrl = (p: TestProxy): string => `ws://127.0.0.1:${p.port}/ws`;

describe('the HTTP fallback transport', () => {
  it.each([
    ['refuses every upgrade with 400', 'refuse' as const, 3000],
    ['accepts upgrades and never answers them', 'hang' as const, 500],
  ])(
    'behind a proxy that %s: connects over HTTP, sends and receives, and a WebSocket user sees it',
    async (_what, upgrade, fallbackMs) => {
      const s = await server();
      const p = await proxy({ targets: [s.port], upgrade });
      const alice = client({ url: wsUrl(p), token: 'good-alice', WebSocket, fallbackMs });
      const opened = record(alice, 'open');
      const bob = client({ url: s.url, token: 'good-bob', WebSocket });
      const toAlice: ClientMessage[] = [];
      const toBob: ClientMessage[] = [];
      alice.subscribe('room', (m) => toAlice.push(m));
      bob.subscribe('room', (m) => toBob.push(m));
      await alice.join('room');
      await bob.join('room');
      expect(opened.map((o) => o.transport)).toEqual(['http']);
      expect(p.blockedUpgrades()).toBe(1);
      const ack = await alice.publish('room', { text: 'over http' });
      expect(ack.offset).toBeDefined();
      await bob.publish('room', { text: 'over ws' });
      await waitFor(() => toBob.length === 2 && toAlice.length === 2, {
        timeoutMs: 5000,
        message: 'both messages on both sides',
      });
      expect(toBob.map((m) => [m.from, m.data])).toEqual([
        ['alice', { text: 'over http' }],
        ['bob', { text: 'over ws' }],
      ]);
      expect(toAlice.map((m) => m.data)).toEqual(toBob.map((m) => m.data));
    },
  );

  it('keeps the transport that worked: a reconnect goes straight to HTTP and resumes', async () => {
    const s = await server();
    const p = await proxy({ targets: [s.port], upgrade: 'refuse' });
    const alice = client({ url: wsUrl(p), token: 'good-alice', WebSocket });
    const opened = record(alice, 'open');
    const got: ClientMessage[] = [];
    alice.subscribe('room', (m) => got.push(m));
    await alice.join('room');
    await s.manager.sendToThread('room' as never, 1);
    await waitFor(() => got.length === 1, { timeoutMs: 5000 });
    // The server cuts the stream (1006 for the client); 2 is sent while it is away.
    for (const conn of [...s.ctx.connections()]) conn.terminate();
    await waitFor(() => alice.state !== 'open', { timeoutMs: 5000 });
    await s.manager.sendToThread('room' as never, 2);
    await waitFor(() => opened.length === 2 && got.length === 2, {
      timeoutMs: 10_000,
      message: 'reopened and the missed message replayed',
    });
    expect(opened.map((o) => [o.transport, o.resumed])).toEqual([
      ['http', false],
      ['http', true],
    ]);
    expect(got.map((m) => m.data)).toEqual([1, 2]);
    expect(p.blockedUpgrades()).toBe(1);
  });

  it('over two instances behind a round-robin proxy (no stickiness): 200 messages, 0 lost, 0 reordered, POSTs on both', async () => {
    const cluster = await memoryBackend();
    // 400 publishes from each of two users in a few seconds: past the default inbound budget.
    const manager = { inboundRate: { perSecond: 1000, burst: 1000 } };
    const a = await server({ cluster: (url) => cluster.adapter(url), manager });
    const b = await server({ cluster: (url) => cluster.adapter(url), manager });
    const p = await proxy({ targets: [a.port, b.port] });
    const alice = client({ url: wsUrl(p), token: 'good-alice', transports: ['http'] });
    const bob = client({ url: b.url, token: 'good-bob', WebSocket });
    const toBob: ClientMessage[] = [];
    const toAlice: ClientMessage[] = [];
    bob.subscribe('room', (m) => toBob.push(m));
    alice.subscribe('room', (m) => toAlice.push(m));
    await alice.join('room');
    await bob.join('room');
    const N = 200;
    const sends: Promise<unknown>[] = [];
    for (let i = 1; i <= N; i++) {
      sends.push(alice.publish('room', i));
      if (i % 20 === 0) await sleep(5);
    }
    await Promise.all(sends);
    for (let i = 1; i <= N; i++) void bob.publish('room', -i);
    await waitFor(() => toBob.length === 2 * N && toAlice.length === 2 * N, {
      timeoutMs: 20_000,
      message: `all ${2 * N} messages on both sides`,
    });
    const mine = (list: ClientMessage[]): unknown[] =>
      list.filter((m) => m.from === 'alice').map((m) => m.data);
    const expected = Array.from({ length: N }, (_v, i) => i + 1);
    expect(mine(toBob)).toEqual(expected);
    expect(mine(toAlice)).toEqual(expected);
    expect(toAlice.filter((m) => m.from === 'bob').map((m) => m.data)).toEqual(
      expected.map((n) => -n),
    );
    const [toA, toB] = [p.forwarded.get(a.port) ?? 0, p.forwarded.get(b.port) ?? 0];
    expect(toA).toBeGreaterThan(2);
    expect(toB).toBeGreaterThan(2);
    const forwarded = (s: RealServer): number =>
      (s.manager.metrics.read('ws_receive_total')?.samples ?? [])
        .filter((x) => x.labels?.['where'] === 'remote')
        .reduce((n, x) => n + ('value' in x ? x.value : 0), 0);
    expect(forwarded(a) + forwarded(b)).toBeGreaterThan(0);
  });

  it('a drain moves an HTTP-transport client to the peer: it follows the hint and resumes with 0 lost', async () => {
    const cluster = await memoryBackend();
    const drain = { manager: { drain: { spreadMs: 200, ratePerSecond: 500, timeoutMs: 10_000 } } };
    const a = await server({ cluster: (url) => cluster.adapter(url), ...drain });
    const b = await server({ cluster: (url) => cluster.adapter(url), ...drain });
    for (let i = 0; i < 100 && (await a.manager.getClusterStats()).instances.length < 2; i++)
      await sleep(50);
    const carol = client({ url: a.url, token: 'good-carol', transports: ['http'] });
    const got: ClientMessage[] = [];
    carol.on('message', (m) => got.push(m));
    const opened = record(carol, 'open');
    await carol.join('room');
    const N = 120;
    await publishThroughDrain(a, b, 'room', N);
    await waitFor(() => got.length >= N, { timeoutMs: 15_000, message: `all ${N} messages` });
    await sleep(100);
    expect(got.map((m) => m.data)).toEqual(Array.from({ length: N }, (_v, i) => i + 1));
    expect(opened.map((o) => [o.transport, o.resumed, o.instanceId])).toEqual([
      ['http', false, a.manager.instanceId],
      ['http', true, b.manager.instanceId],
    ]);
    expect(carol.url).toBe(b.url);
  });
});
