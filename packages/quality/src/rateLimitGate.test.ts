import { afterEach, describe, expect, it } from 'vitest';
import { memoryRateLimitStore } from './memoryRateLimitStore.js';
import { rateLimitGate } from './rateLimitGate.js';
import type { RateLimitStore } from './rateLimitStore.js';
import type { Harness } from './test/harness.js';
import { flush, harness } from './test/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const replies = (frames: { type: string; code?: string }[]) => {
  const out: Record<string, number> = {};
  for (const f of frames) {
    if (f.type === 'message') continue;
    const key = f.type === 'error' ? `error:${String(f.code)}` : f.type;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
};

describe('rateLimitGate', () => {
  it('limits a flooding user over all its connections while another user’s messages all pass', async () => {
    h = await harness({
      inbound: [rateLimitGate({ perConnection: false, perUser: { perSecond: 1, burst: 10 } })],
    });
    const flooder = [await h.connect('mallory', ['t']), await h.connect('mallory', ['t'])];
    const bob = await h.connect('bob', ['t']);
    for (let i = 0; i < 20; i++) {
      // 20 from mallory, alternating connections, and 10 from bob interleaved.
      (flooder[i % 2] as (typeof flooder)[number]).client.sendFrame({
        type: 'publish',
        thread: 't',
        data: i,
        id: i,
      });
      if (i % 2 === 0)
        bob.client.sendFrame({ type: 'publish', thread: 't', data: `b${i}`, id: `b${i}` });
      await flush(2);
    }
    await flush();
    const mallory = [...(flooder[0]?.frames() ?? []), ...(flooder[1]?.frames() ?? [])];
    expect(replies(mallory)).toEqual({ ack: 10, 'error:rate_limited': 10 });
    expect(mallory.filter((f) => f.type === 'error')[0]).toEqual({
      type: 'error',
      id: 10,
      code: 'rate_limited',
      message: 'rate limit exceeded for this user; retry in 1000 ms',
    });
    expect(replies(bob.frames())).toEqual({ ack: 10 });
    // Bob received his own 10 and mallory's 10 accepted messages, nothing refused.
    expect(bob.frames().filter((f) => f.type === 'message')).toHaveLength(20);
    expect(flooder.map((c) => c.client.closed)).toEqual([undefined, undefined]);
  });

  it('refills with time (manager clock)', async () => {
    h = await harness({
      inbound: [rateLimitGate({ perConnection: false, perUser: { perSecond: 2, burst: 1 } })],
    });
    const a = await h.connect('alice', ['t']);
    await a.send({ type: 'publish', thread: 't', data: 1, id: 1 });
    await a.send({ type: 'publish', thread: 't', data: 2, id: 2 });
    h.clock.advance(250);
    await a.send({ type: 'publish', thread: 't', data: 3, id: 3 });
    h.clock.advance(250);
    await a.send({ type: 'publish', thread: 't', data: 4, id: 4 });
    expect(a.frames().filter((f) => f.type !== 'message')).toEqual([
      expect.objectContaining({ type: 'ack', id: 1 }),
      {
        type: 'error',
        id: 2,
        code: 'rate_limited',
        message: 'rate limit exceeded for this user; retry in 500 ms',
      },
      {
        type: 'error',
        id: 3,
        code: 'rate_limited',
        message: 'rate limit exceeded for this user; retry in 250 ms',
      },
      expect.objectContaining({ type: 'ack', id: 4 }),
    ]);
  });

  it('per connection: one connection is limited, the same user’s other connection is not', async () => {
    h = await harness({
      inbound: [rateLimitGate({ perConnection: { perSecond: 1, burst: 2 }, perUser: false })],
    });
    const a1 = await h.connect('alice', ['t']);
    const a2 = await h.connect('alice', ['t']);
    for (let i = 0; i < 4; i++) await a1.send({ type: 'leave', thread: 'x', id: i });
    for (let i = 0; i < 2; i++) await a2.send({ type: 'leave', thread: 'x', id: i });
    expect(a1.frames()).toEqual([
      { type: 'ack', id: 0 },
      { type: 'ack', id: 1 },
      {
        type: 'error',
        id: 2,
        code: 'rate_limited',
        message: 'rate limit exceeded for this connection; retry in 1000 ms',
      },
      {
        type: 'error',
        id: 3,
        code: 'rate_limited',
        message: 'rate limit exceeded for this connection; retry in 1000 ms',
      },
    ]);
    expect(a2.frames()).toEqual([
      { type: 'ack', id: 0 },
      { type: 'ack', id: 1 },
    ]);
  });

  it('never counts ping or pong; `types` limits what counts', async () => {
    h = await harness({
      inbound: [
        rateLimitGate({
          perConnection: false,
          perUser: { perSecond: 1, burst: 1 },
          types: ['publish'],
        }),
      ],
    });
    const a = await h.connect('alice', ['t']);
    for (let i = 0; i < 30; i++) {
      a.client.sendFrame({ type: 'ping' });
      a.client.sendFrame({ type: 'pong' });
      a.client.sendFrame({ type: 'leave', thread: 'x', id: `l${i}` });
    }
    await flush();
    await a.send({ type: 'publish', thread: 't', data: 'counted', id: 'p' });
    await a.send({ type: 'publish', thread: 't', data: 'counted', id: 'q' });
    expect(replies(a.frames())).toEqual({ pong: 30, ack: 31, 'error:rate_limited': 1 });
    expect(a.frames().at(-1)).toMatchObject({ type: 'error', id: 'q', code: 'rate_limited' });
  });

  it('a user who keeps flooding is closed by core’s violation limit (1008)', async () => {
    h = await harness({
      inbound: [rateLimitGate({ perConnection: false, perUser: { perSecond: 1, burst: 2 } })],
    });
    const a = await h.connect('alice');
    for (let i = 0; i < 20; i++) a.client.sendFrame({ type: 'leave', thread: 'x', id: i });
    await flush();
    expect(replies(a.frames())).toEqual({ ack: 2, 'error:rate_limited': 10 });
    expect(a.client.closed).toEqual({ code: 1008, reason: 'too many violations' });
  });

  it('a failing store fails open (reported) by default, or refuses with internal_error', async () => {
    const broken: RateLimitStore = {
      name: 'broken',
      take: () => Promise.reject(new Error('store down')),
    };
    h = await harness({ inbound: [rateLimitGate({ perConnection: false, store: broken })] });
    const a = await h.connect('alice', ['t']);
    await a.send({ type: 'leave', thread: 'x', id: 1 });
    expect(a.frames()).toEqual([{ type: 'ack', id: 1 }]);
    expect(h.errors.map((e) => [e.stage, e.error.message])).toEqual([
      ['quality:rate_limit:store', 'store down'],
    ]);
    await h.close();

    h = await harness({
      inbound: [rateLimitGate({ perConnection: false, store: broken, onStoreError: 'reject' })],
    });
    const b = await h.connect('bob');
    await b.send({ type: 'leave', thread: 'x', id: 1 });
    expect(b.frames()).toEqual([
      { type: 'error', id: 1, code: 'internal_error', message: 'rate limit store unavailable' },
    ]);
  });

  it('validates its rules', () => {
    expect(() => rateLimitGate({ perUser: { perSecond: 0, burst: 1 } })).toThrow(
      'perUser needs perSecond > 0 and burst >= 1',
    );
    expect(() => rateLimitGate({ perConnection: { perSecond: 1, burst: 0 } })).toThrow(
      'perConnection needs',
    );
  });
});

describe('memoryRateLimitStore', () => {
  it('is a token bucket per key', () => {
    const store = memoryRateLimitStore();
    const rule = { perSecond: 10, burst: 2 };
    expect(store.take('a', 1, rule, 0)).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
    expect(store.take('a', 1, rule, 0)).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 });
    expect(store.take('a', 1, rule, 50)).toEqual({
      allowed: false,
      remaining: 0.5,
      retryAfterMs: 50,
    });
    expect(store.take('b', 1, rule, 50)).toMatchObject({ allowed: true });
    expect(store.take('a', 1, rule, 100)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('keeps at most maxKeys buckets: refilled ones go first, then the least recently used', () => {
    const store = memoryRateLimitStore({ maxKeys: 3 });
    const rule = { perSecond: 1, burst: 1 };
    for (const k of ['a', 'b', 'c']) store.take(k, 1, rule, 0);
    expect(store.size()).toBe(3);
    store.take('a', 1, rule, 10); // touch a: now the most recent (and refused)
    store.take('d', 1, rule, 20); // full: evicts b, the least recently used
    expect(store.size()).toBe(3);
    expect(store.take('a', 1, rule, 20).allowed).toBe(false);
    expect(store.take('b', 1, rule, 20).allowed).toBe(true); // forgotten, so full again (evicts c)
    for (let i = 0; i < 100; i++) store.take(`k${i}`, 1, rule, 5_000); // all refilled by now
    expect(store.size()).toBe(3);
  });
});
