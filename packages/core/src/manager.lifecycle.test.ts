import { describe, expect, it } from 'vitest';
import type { Clock, TimerHandle } from './clock.js';
import { systemClock } from './clock.js';
import { CloseCode } from './closeCodes.js';
import type { ClusterAdapter, ClusterContext } from './cluster.js';
import type { Connection } from './connection.js';
import { threadId, userId } from './ids.js';
import { flush, testManager } from './internal/testSupport.js';
import { createMemoryCluster, createManualClock } from './testing/index.js';

function trackingClock(): Clock & { live(): number } {
  const base = systemClock();
  const live = new Set<TimerHandle>();
  return {
    now: () => base.now(),
    setTimeout(fn, ms) {
      const h = base.setTimeout(() => {
        live.delete(h);
        fn();
      }, ms);
      live.add(h);
      return h;
    },
    setInterval(fn, ms) {
      const h = base.setInterval(fn, ms);
      live.add(h);
      return h;
    },
    clear(h) {
      live.delete(h);
      base.clear(h);
    },
    live: () => live.size,
  };
}

describe('sweep: expiry and idle', () => {
  it('closes with 4102 when expiresAt passes, on the one sweep timer', async () => {
    const clock = createManualClock();
    const m = testManager({ clock });
    expect(clock.pending()).toBe(1);
    const a = await m.connect('alice', { expiresAt: clock.now() + 2_500 });
    const b = await m.connect('bob');
    expect(clock.pending()).toBe(1);
    clock.advance(2_000);
    expect(a.client.closed).toBeUndefined();
    clock.advance(1_000);
    expect(a.client.closed?.code).toBe(CloseCode.sessionExpired);
    expect(b.client.closed).toBeUndefined();
    await m.close();
  });

  it('closes idle connections with 4001; any inbound frame or pong counts as life', async () => {
    const clock = createManualClock();
    const m = testManager({ clock, idleTimeoutMs: 10_000 });
    const idle = await m.connect('idle');
    const chatty = await m.connect('chatty');
    const ponger = await m.connect('ponger');
    for (let i = 0; i < 4; i++) {
      clock.advance(3_000);
      chatty.client.sendFrame({ type: 'ping' });
      ponger.client.pong();
    }
    expect(idle.client.closed?.code).toBe(CloseCode.idleTimeout);
    expect(chatty.client.closed).toBeUndefined();
    expect(ponger.client.closed).toBeUndefined();
    await m.close();
  });

  it('close() clears every timer and listener; nothing is left open', async () => {
    const clock = trackingClock();
    const m = testManager({ clock, drain: { spreadMs: 0, ratePerSecond: 1 } });
    const a = await m.connect('alice');
    await m.connect('bob');
    m.on('connection', () => {});
    expect(clock.live()).toBe(1);
    await m.close({ drain: true, timeoutMs: 150 });
    expect(clock.live()).toBe(0);
    expect(a.client.closed?.code).toBe(CloseCode.serviceRestart);
    expect(m.state).toBe('closed');
    expect(m.getStats().connections).toBe(0);
  });
});

describe('close and drain', () => {
  it('closes every connection with 1001 without drain', async () => {
    const m = testManager();
    const cs = [await m.connect('a'), await m.connect('b')];
    const events: string[] = [];
    m.on('close', () => events.push('close'));
    await m.close();
    for (const c of cs) expect(c.client.closed?.code).toBe(CloseCode.goingAway);
    expect(events).toEqual(['close']);
    expect(m.state).toBe('closed');
  });

  it('tells the cluster adapter its lifecycle: running, draining while it drains, then closed', async () => {
    const hub = createMemoryCluster();
    const inner = hub.adapter({ publicUrl: 'ws://a.example/ws' });
    let ctx: ClusterContext | undefined;
    const seenInDrain: (string | undefined)[] = [];
    const adapter: ClusterAdapter = {
      ...inner,
      start(c) {
        ctx = c;
        return inner.start(c);
      },
      instances() {
        seenInDrain.push(ctx?.lifecycle?.());
        return inner.instances();
      },
    };
    const m = testManager({ cluster: adapter });
    await m.connect('u');
    expect(ctx?.lifecycle?.()).toBe('running');
    await m.close({ drain: true });
    expect(seenInDrain).toEqual(['draining']);
    expect(ctx?.lifecycle?.()).toBe('closed');
  });

  it('drains: a reconnect hint naming a live peer, then 1012, at a bounded rate', async () => {
    const hub = createMemoryCluster();
    const a = testManager({
      cluster: hub.adapter({ publicUrl: 'ws://a.example/ws' }),
      drain: { ratePerSecond: 20, spreadMs: 500 },
    });
    const b = testManager({ cluster: hub.adapter({ publicUrl: 'ws://b.example/ws' }) });
    await b.connect('someone');
    const cs = [];
    for (let i = 0; i < 4; i++) cs.push(await a.connect(`u${i}`));
    const states: string[] = [];
    a.on('draining', () => states.push(a.state));
    const started = Date.now();
    await a.close({ drain: true });
    const took = Date.now() - started;
    expect(states).toEqual(['draining']);
    for (const c of cs) {
      const hint = c.after().find((f) => f.type === 'reconnect');
      expect(hint).toMatchObject({ type: 'reconnect', url: 'ws://b.example/ws' });
      expect((hint as { afterMs: number }).afterMs).toBeGreaterThanOrEqual(0);
      expect((hint as { afterMs: number }).afterMs).toBeLessThanOrEqual(500);
      expect(c.client.closed?.code).toBe(CloseCode.serviceRestart);
    }
    // 20 per second in ticks of 100 ms: 2 per tick, so 4 connections need a second tick.
    expect(took).toBeGreaterThanOrEqual(90);
    await b.close();
  });

  it('closes the rest at once when the drain deadline passes', async () => {
    const m = testManager({ drain: { ratePerSecond: 1, spreadMs: 0 } });
    const cs = [];
    for (let i = 0; i < 5; i++) cs.push(await m.connect(`u${i}`));
    await m.close({ drain: true, timeoutMs: 0 });
    for (const c of cs) expect(c.client.closed?.code).toBe(CloseCode.serviceRestart);
  });

  it('reports health: ready while running, down after close', async () => {
    const m = testManager();
    expect(await m.health()).toMatchObject({
      status: 'ready',
      state: 'running',
      cluster: { status: 'ready' },
    });
    await m.close();
    expect(await m.health()).toMatchObject({ status: 'down', state: 'closed' });
  });

  it("disconnectUser closes a user's connections with the given code", async () => {
    const m = testManager();
    const a1 = await m.connect('alice');
    const a2 = await m.connect('alice');
    const b = await m.connect('bob');
    expect(await m.disconnectUser(userId('alice'), { connectionId: a1.id, code: 4102 })).toBe(1);
    expect(a1.client.closed?.code).toBe(4102);
    expect(await m.disconnectUser(userId('alice'))).toBe(1);
    expect(a2.client.closed?.code).toBe(1000);
    expect(b.client.closed).toBeUndefined();
    await m.close();
  });

  it('terminate() from a plugin forgets the connection at once, without waiting for onClose', async () => {
    const m = testManager();
    let conn: Connection | undefined;
    m.use({
      name: 't',
      setup: (ctx) => {
        ctx.onClose(() => {});
        m.on('connection', (c) => (conn = c));
      },
    });
    const a = await m.connect('alice');
    await m.joinThread(a.id, threadId('t'));
    conn?.terminate();
    expect(a.client.terminated).toBe(true);
    expect(m.getStats()).toMatchObject({ connections: 0, threads: 0, users: 0 });
    await flush();
    await m.close();
  });
});

describe('stats and metrics', () => {
  it('counts connections, users, threads and messages in the registry', async () => {
    const m = testManager();
    const a = await m.connect('alice');
    const b = await m.connect('bob');
    await m.joinThread(a.id, threadId('t'));
    await m.joinThread(b.id, threadId('t'));
    a.client.sendFrame({ type: 'publish', thread: 't', data: 1, id: 1 });
    await flush();
    const stats = m.getStats();
    expect(stats).toMatchObject({ connections: 2, users: 2, threads: 1, messagesReceived: 1 });
    expect(m.metrics.read('ws_connections')?.samples).toEqual([{ labels: {}, value: 2 }]);
    expect(m.metrics.read('ws_threads')?.samples).toEqual([{ labels: {}, value: 1 }]);
    const cluster = await m.getClusterStats();
    expect(cluster).toMatchObject({ connections: 2, users: 2, health: { status: 'ready' } });
    expect(cluster.instances).toHaveLength(1);
    await m.close();
  });
});
