import { describe, expect, it } from 'vitest';
import type { ClusterContext } from './cluster.js';
import type { MessageFrame } from './frames.js';
import type { InstanceId, Offset, ThreadId, UserId } from './ids.js';
import { silentLogger } from './logger.js';
import { createMetricsRegistry } from './metricsRegistry.js';
import { createMemoryHub } from './memoryHub.js';
import { createManualClock } from './testing/index.js';

function ctx(
  instanceId: string,
  clock = createManualClock(),
): ClusterContext & { delivered: unknown[] } {
  const delivered: unknown[] = [];
  return {
    instanceId: instanceId as InstanceId,
    deliverLocal: (target, frame) => delivered.push({ target, frame }),
    evictLocal: () => false,
    localConnections: () => [],
    limits: { maxConnectionsPerUser: 2, onUserLimit: 'reject' },
    sessionTtlMs: 1_000,
    clock,
    metrics: createMetricsRegistry(),
    logger: silentLogger(),
    onError: () => {},
    delivered,
  };
}

const t = 'room' as ThreadId;
const frame = (n: number): MessageFrame => ({ type: 'message', thread: t, from: null, data: n });

describe('memory hub (the local adapter)', () => {
  it('assigns increasing offsets and replays after an offset, bounded by notBefore', async () => {
    const a = createMemoryHub().adapter();
    await a.start(ctx('a'));
    const start = await a.threadOffset(t);
    const offsets: Offset[] = [];
    for (let i = 1; i <= 3; i++) offsets.push((await a.publishToThread(t, frame(i))).offset);
    const all = await a.history(t, start, start);
    expect(all.recoverable && all.frames.map((f) => f.data)).toEqual([1, 2, 3]);
    const after1 = await a.history(t, offsets[0] as Offset, start);
    expect(after1.recoverable && after1.frames.map((f) => f.data)).toEqual([2, 3]);
    const notBefore2 = await a.history(t, start, offsets[1] as Offset);
    expect(notBefore2.recoverable && notBefore2.frames.map((f) => f.data)).toEqual([3]);
  });

  it('is not recoverable once trimmed by size or TTL, and never partial', async () => {
    const clock = createManualClock();
    const a = createMemoryHub({ historySize: 2, historyTtlMs: 1_000 }).adapter();
    await a.start(ctx('a', clock));
    const start = await a.threadOffset(t);
    const o1 = (await a.publishToThread(t, frame(1))).offset;
    await a.publishToThread(t, frame(2));
    await a.publishToThread(t, frame(3));
    expect(await a.history(t, start, start)).toEqual({ recoverable: false });
    const ok = await a.history(t, o1, start);
    expect(ok.recoverable && ok.frames.map((f) => f.data)).toEqual([2, 3]);
    clock.advance(1_001);
    expect(await a.history(t, o1, start)).toEqual({ recoverable: false });
  });

  it('keeps no history for threads the predicate refuses', async () => {
    const a = createMemoryHub({ keepHistory: (id) => id !== t }).adapter();
    await a.start(ctx('a'));
    const start = await a.threadOffset(t);
    await a.publishToThread(t, frame(1));
    expect(await a.history(t, start, start)).toEqual({ recoverable: false });
  });

  it('forgets whole threads past maxHistoryThreads without passing off a gap as whole', async () => {
    const a = createMemoryHub({ maxHistoryThreads: 1 }).adapter();
    await a.start(ctx('a'));
    const start = await a.threadOffset(t);
    await a.publishToThread(t, frame(1));
    await a.publishToThread('other' as ThreadId, frame(2));
    expect(await a.history(t, start, start)).toEqual({ recoverable: false });
  });

  it('admits per user cluster-wide and evicts on the owning instance', async () => {
    const hub = createMemoryHub();
    const a = hub.adapter();
    const b = hub.adapter();
    const ca = ctx('a');
    const evicted: string[] = [];
    const cb = {
      ...ctx('b'),
      evictLocal: (id: string) => (evicted.push(id), true),
      limits: { maxConnectionsPerUser: 2, onUserLimit: 'evict-oldest' as const },
    };
    await a.start(ca);
    await b.start(cb);
    const u = 'alice' as UserId;
    expect(await a.admit(u, 'a-1' as never)).toEqual({ admitted: true, evict: [] });
    expect(await a.admit(u, 'a-2' as never)).toEqual({ admitted: true, evict: [] });
    expect(await a.admit(u, 'a-3' as never)).toMatchObject({ admitted: false });
    expect(await b.admit(u, 'b-1' as never)).toEqual({ admitted: true, evict: ['a-1'] });
    await a.release(u, 'a-2' as never);
    expect(await a.admit(u, 'a-4' as never)).toEqual({ admitted: true, evict: [] });
    await a.stop({ drain: false });
    expect(await b.admit(u, 'b-2' as never)).toEqual({ admitted: true, evict: [] });
  });

  it('relays publications to the other instances only', async () => {
    const hub = createMemoryHub();
    const a = hub.adapter({ publicUrl: 'ws://a' });
    const b = hub.adapter({ publicUrl: 'ws://b' });
    const ca = ctx('a');
    const cb = ctx('b');
    await a.start(ca);
    await b.start(cb);
    await a.publishToUser('u' as UserId, { type: 'message', from: null, data: 1 });
    await new Promise<void>((r) => queueMicrotask(r));
    expect(ca.delivered).toEqual([]);
    expect(cb.delivered).toEqual([
      { target: { kind: 'user', userId: 'u' }, frame: { type: 'message', from: null, data: 1 } },
    ]);
    expect((await a.instances()).map((i) => [i.instanceId, i.url, i.self])).toEqual([
      ['a', 'ws://a', true],
      ['b', 'ws://b', false],
    ]);
  });

  it('keeps sessions single-use, per user, with a TTL and generation guard', async () => {
    const clock = createManualClock();
    const a = createMemoryHub().adapter();
    await a.start(ctx('a', clock));
    const s = { userId: 'alice' as UserId, threads: {}, generation: 1 };
    expect(await a.saveSession('k', s, 1)).toBe(true);
    expect(await a.takeSession('k', 'bob' as UserId)).toBeNull();
    expect(await a.takeSession('k', 'alice' as UserId)).toEqual(s);
    expect(await a.takeSession('k', 'alice' as UserId)).toBeNull();
    expect(await a.saveSession('k', s, 1)).toBe(false);
    expect(await a.saveSession('k2', s, 1)).toBe(true);
    clock.advance(1_001);
    expect(await a.takeSession('k2', 'alice' as UserId)).toBeNull();
  });
});
