import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { rateLimitGate } from './rateLimitGate.js';
import { redisRateLimitStore } from './redisRateLimitStore.js';
import type { Harness, TestClient } from './test/harness.js';
import { harness } from './test/harness.js';
import type { RedisServer } from '@ws/testkit';
import { createRedisServer } from '@ws/testkit';

let server: RedisServer;
const clients: Redis[] = [];
const harnesses: Harness[] = [];

/** Sends a frame and waits (up to 10 s) for its reply: the gate waits on Redis. */
async function request(
  c: TestClient,
  frame: { readonly type: string; readonly id: string; readonly thread: string },
): Promise<void> {
  const before = c.frames().length;
  c.client.sendFrame(frame);
  await vi.waitFor(() => expect(c.frames().length).toBe(before + 1), {
    timeout: 10_000,
    interval: 5,
  });
}

function client(): Redis {
  const c = new Redis(server.url, { lazyConnect: false, maxRetriesPerRequest: 1 });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  server = await createRedisServer();
});
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
  for (const c of clients.splice(0)) c.disconnect();
});
afterAll(async () => {
  await server?.stop();
});

describe('redisRateLimitStore with a real redis-server', () => {
  it('shares one user’s limit between two managers', async () => {
    const gate = () =>
      rateLimitGate({
        perConnection: false,
        perUser: { perSecond: 0.01, burst: 5 },
        store: redisRateLimitStore({ client: client(), prefix: 'test1:' }),
      });
    const a = await harness({ inbound: [gate()], alerts: false });
    const b = await harness({ inbound: [gate()], alerts: false });
    harnesses.push(a, b);
    const aliceA = await a.connect('alice');
    const aliceB = await b.connect('alice');
    const bobB = await b.connect('bob');

    for (let i = 0; i < 4; i++) await request(aliceA, { type: 'leave', thread: 'x', id: `a${i}` });
    for (let i = 0; i < 4; i++) await request(aliceB, { type: 'leave', thread: 'x', id: `b${i}` });
    for (let i = 0; i < 5; i++) await request(bobB, { type: 'leave', thread: 'x', id: `c${i}` });

    expect(aliceA.frames()).toEqual([0, 1, 2, 3].map((i) => ({ type: 'ack', id: `a${i}` })));
    expect(aliceB.frames().map((f) => f.type)).toEqual(['ack', 'error', 'error', 'error']);
    for (const f of aliceB.frames().slice(1)) {
      expect(f).toMatchObject({ type: 'error', code: 'rate_limited' });
      expect((f as { message: string }).message).toMatch(
        /^rate limit exceeded for this user; retry in \d+ ms$/,
      );
    }
    expect(bobB.frames()).toEqual([0, 1, 2, 3, 4].map((i) => ({ type: 'ack', id: `c${i}` })));

    // One key per user and gate, expiring once the bucket would be full again.
    const admin = client();
    expect((await admin.keys('test1:*')).sort()).toEqual([
      'test1:rate_limit:alice',
      'test1:rate_limit:bob',
    ]);
    const ttl = await admin.pttl('test1:rate_limit:alice');
    expect(ttl).toBeGreaterThan(400_000);
    expect(ttl).toBeLessThanOrEqual(501_000);
  });

  it('a token bucket by Redis time; survives SCRIPT FLUSH (EVALSHA falls back to EVAL)', async () => {
    const store = redisRateLimitStore({ client: client(), prefix: 'test2:' });
    const rule = { perSecond: 0.001, burst: 2 };
    const first = await store.take('k', 1, rule, 0);
    expect(first.allowed).toBe(true);
    expect(first.remaining).toBeCloseTo(1, 2);
    await client().script('FLUSH');
    expect((await store.take('k', 1, rule, 0)).allowed).toBe(true);
    const refused = await store.take('k', 1, rule, 0);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(990_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(1_000_000);
    // Another prefix is another deployment: its own buckets.
    const other = redisRateLimitStore({ client: client(), prefix: 'test2b:' });
    expect((await other.take('k', 1, rule, 0)).allowed).toBe(true);
  });

  it('an unreachable Redis fails open and is reported', async () => {
    const down = new Redis({
      port: 1,
      host: '127.0.0.1',
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    down.on('error', () => {});
    const h = await harness({
      inbound: [
        rateLimitGate({ perConnection: false, store: redisRateLimitStore({ client: down }) }),
      ],
      alerts: false,
    });
    harnesses.push(h);
    const a = await h.connect('alice');
    await request(a, { type: 'leave', thread: 'x', id: '1' });
    expect(a.frames()).toEqual([{ type: 'ack', id: '1' }]);
    expect(h.errors.map((e) => e.stage)).toEqual(['quality:rate_limit:store']);
    down.disconnect();
  });

  it('refuses a client without eval/evalsha', () => {
    expect(() => redisRateLimitStore({ client: {} as never })).toThrow(
      'redisRateLimitStore needs a Redis client',
    );
  });
});
