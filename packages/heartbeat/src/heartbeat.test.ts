import type {
  Clock,
  Connection,
  ConnectionId,
  DisconnectInfo,
  Manager,
  ManagerOptions,
  WsError,
} from '@ws/core';
import { connectionId, createManager, silentLogger, userId } from '@ws/core';
import type { MemoryClient, MemorySocketOptions } from '@ws/core/testing';
import { createManualClock, createMemorySocketPair } from '@ws/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  HeartbeatHandle,
  HeartbeatOptions,
  HeartbeatStall,
  HeartbeatTimeout,
} from './index.js';
import { heartbeat } from './index.js';

// interval 1000 / timeout 400: the timer ticks every 100 ms, a connection registered at t0 is
// pinged at t0 + 1000, 2000, ... and each ping is judged 400 ms after it went out.
const INTERVAL = 1000;
const TIMEOUT = 400;
const TICK = 100;

/** Lets queued microtasks (memory-socket pongs and closes) run. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Harness {
  readonly manager: Manager;
  readonly hb: HeartbeatHandle;
  readonly clock: ReturnType<typeof createManualClock>;
  readonly t0: number;
  readonly timeouts: HeartbeatTimeout[];
  readonly stalls: HeartbeatStall[];
  readonly disconnects: { id: ConnectionId; info: DisconnectInfo }[];
  readonly errors: { err: WsError; stage: string }[];
  connect(
    name: string,
    socket?: MemorySocketOptions,
  ): Promise<{ id: ConnectionId; client: MemoryClient; conn: Connection }>;
  /** Moves time forward one tick at a time, flushing microtasks between ticks. */
  advance(ms: number): Promise<void>;
  /** Advances to `t0 + at`. */
  advanceTo(at: number): Promise<void>;
  metric(name: string): number;
}

const managers: Manager[] = [];
afterEach(async () => {
  for (const m of managers.splice(0)) await m.close();
});

function setup(
  options: HeartbeatOptions = { intervalMs: INTERVAL, timeoutMs: TIMEOUT },
  managerOptions: ManagerOptions = {},
): Harness {
  const clock = createManualClock();
  const errors: { err: WsError; stage: string }[] = [];
  const manager = createManager({
    clock,
    logger: silentLogger(),
    maxConnectionsPerUser: 1000,
    onError: (err, info) => errors.push({ err, stage: info.stage }),
    ...managerOptions,
  });
  managers.push(manager);
  const hb = manager.use(heartbeat(options));
  const timeouts: HeartbeatTimeout[] = [];
  const stalls: HeartbeatStall[] = [];
  const disconnects: { id: ConnectionId; info: DisconnectInfo }[] = [];
  manager.on('heartbeat:timeout', (t: HeartbeatTimeout) => timeouts.push(t));
  manager.on('heartbeat:stall', (s: HeartbeatStall) => stalls.push(s));
  manager.on('disconnect', (conn, info) => disconnects.push({ id: conn.id, info }));
  const t0 = clock.now();
  const h: Harness = {
    manager,
    hb,
    clock,
    t0,
    timeouts,
    stalls,
    disconnects,
    errors,
    async connect(name, socket) {
      const { server, client } = createMemorySocketPair(socket);
      let conn: Connection | undefined;
      const off = manager.on('connection', (c) => {
        conn = c;
      });
      const id = await manager.connectUser(userId(name), server);
      off();
      if (conn === undefined) throw new Error('no connection event');
      return { id, client, conn };
    },
    async advance(ms) {
      let left = ms;
      while (left > 0) {
        const step = Math.min(TICK, left);
        clock.advance(step);
        left -= step;
        await flush();
      }
    },
    async advanceTo(at) {
      await h.advance(t0 + at - clock.now());
    },
    metric(name) {
      const snap = manager.metrics.read(name);
      if (snap === undefined) return Number.NaN;
      if (snap.kind === 'histogram') return snap.samples.reduce((n, s) => n + s.count, 0);
      return snap.samples.reduce((n, s) => n + s.value, 0);
    },
  };
  return h;
}

describe('heartbeat: scheduling', () => {
  it('adds its figures to every welcome as heartbeat: { intervalMs, timeoutMs }, once per manager', async () => {
    const h = setup();
    const c = await h.connect('alice');
    expect(c.client.framesOf('welcome')).toEqual([
      expect.objectContaining({
        type: 'welcome',
        heartbeat: { intervalMs: INTERVAL, timeoutMs: TIMEOUT },
      }),
    ]);
    expect(() => h.manager.use(heartbeat())).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
  });

  it('runs one timer for all connections, through the manager clock', async () => {
    const clock = createManualClock();
    const manager = createManager({ clock, logger: silentLogger(), maxConnectionsPerUser: 1000 });
    managers.push(manager);
    const before = clock.pending();
    manager.use(heartbeat({ intervalMs: INTERVAL, timeoutMs: TIMEOUT }));
    expect(clock.pending()).toBe(before + 1);
    for (let i = 0; i < 50; i++) {
      const { server } = createMemorySocketPair();
      await manager.connectUser(userId(`u${i}`), server);
    }
    expect(clock.pending()).toBe(before + 1);
    await manager.close();
    expect(clock.pending()).toBe(0);
  });

  it('pings each connection once per interval, at its own phase', async () => {
    const h = setup();
    const a = await h.connect('a');
    await h.advanceTo(500);
    const b = await h.connect('b');
    await h.advanceTo(999);
    expect([a.client.pings, b.client.pings]).toEqual([0, 0]);
    await h.advanceTo(1000);
    expect([a.client.pings, b.client.pings]).toEqual([1, 0]);
    await h.advanceTo(1499);
    expect(b.client.pings).toBe(0);
    await h.advanceTo(1500);
    expect([a.client.pings, b.client.pings]).toEqual([1, 1]);
    await h.advanceTo(5000);
    expect([a.client.pings, b.client.pings]).toEqual([5, 4]);
    expect(h.metric('ws_heartbeat_pings_sent_total')).toBe(9);
    expect(h.metric('ws_heartbeat_pongs_received_total')).toBe(9);
    expect(h.hb.stats()).toMatchObject({
      pingsSent: 9,
      pongsReceived: 9,
      timeouts: 0,
      connections: 2,
    });
    expect(h.timeouts).toEqual([]);
  });

  it('uses a protocol ping where the socket has one and {"type":"ping"} where it has none', async () => {
    const h = setup();
    const proto = await h.connect('p');
    const app = await h.connect('a', { protocolPing: false });
    expect(proto.conn.hasProtocolPing).toBe(true);
    expect(app.conn.hasProtocolPing).toBe(false);
    await h.advanceTo(1000);
    expect(proto.client.pings).toBe(1);
    expect(proto.client.framesOf('ping')).toEqual([]);
    expect(app.client.pings).toBe(0);
    expect(app.client.framesOf('ping')).toEqual([{ type: 'ping' }]);
  });

  it('tracks connections that existed before the plugin was installed', async () => {
    const clock = createManualClock();
    const manager = createManager({ clock, logger: silentLogger() });
    managers.push(manager);
    const { server, client } = createMemorySocketPair({ autoPong: false });
    const id = await manager.connectUser(userId('early'), server);
    const hb = manager.use(heartbeat({ intervalMs: INTERVAL, timeoutMs: TIMEOUT }));
    expect(hb.stats().connections).toBe(1);
    clock.advance(INTERVAL);
    expect(client.pings).toBe(1);
    clock.advance(TIMEOUT);
    expect(client.terminated).toBe(true);
    expect(manager.getStats().connections).toBe(0);
    expect(hb.checkConnectionHealth(id).connected).toBe(false);
  });

  it('stops pinging a connection once it disconnects', async () => {
    const h = setup();
    const a = await h.connect('a');
    await h.advanceTo(1000);
    expect(a.client.pings).toBe(1);
    a.client.close(1000);
    await flush();
    expect(h.hb.stats().connections).toBe(0);
    await h.advanceTo(4000);
    expect(a.client.pings).toBe(1);
    expect(h.hb.sendPing(a.id)).toBe(false);
  });

  it('clears its timer and ignores later connections when the manager closes', async () => {
    const h = setup();
    const a = await h.connect('a');
    await h.advanceTo(1000);
    await h.manager.close();
    expect(h.clock.pending()).toBe(0);
    expect(h.hb.sendPing(a.id)).toBe(false);
    expect(h.hb.stats().connections).toBe(0);
  });
});

describe('heartbeat: dead connections', () => {
  it('terminates a peer that never answers exactly timeoutMs after the ping, and reports it', async () => {
    const h = setup();
    const dead = await h.connect('dead', { autoPong: false });
    const alive = await h.connect('alive');
    await h.advanceTo(1000 + TIMEOUT - 1);
    expect(dead.client.terminated).toBe(false);
    await h.advanceTo(1000 + TIMEOUT);
    expect(dead.client.terminated).toBe(true);
    // No close frame reaches a dead peer: terminated, never closed.
    expect(dead.client.closed).toBeUndefined();
    expect(h.timeouts).toEqual([
      { connectionId: dead.id, userId: 'dead', missed: 1, lastPongAt: null, lastActivityAt: h.t0 },
    ]);
    expect(h.disconnects).toEqual([
      { id: dead.id, info: { code: 1006, reason: 'terminated', by: 'server' } },
    ]);
    expect(h.manager.getStats().connections).toBe(1);
    expect(await h.manager.findUser(userId('dead'))).toBeNull();
    expect(h.metric('ws_heartbeat_timeouts_total')).toBe(1);
    expect(h.hb.stats()).toMatchObject({ timeouts: 1, connections: 1 });
    await h.advanceTo(5000);
    expect(alive.client.terminated).toBe(false);
    expect(h.timeouts).toHaveLength(1);
  });

  it('reports the last pong of a peer that stops answering', async () => {
    const h = setup();
    const c = await h.connect('c');
    await h.advanceTo(2000);
    expect(c.client.pings).toBe(2);
    c.client.autoPong = false;
    await h.advanceTo(3000 + TIMEOUT - 1);
    expect(h.timeouts).toEqual([]);
    await h.advanceTo(3000 + TIMEOUT);
    expect(h.timeouts).toEqual([
      {
        connectionId: c.id,
        userId: 'c',
        missed: 1,
        lastPongAt: h.t0 + 2000,
        lastActivityAt: h.t0 + 2000,
      },
    ]);
  });

  it('terminates an application-level peer that stops answering {"type":"ping"}', async () => {
    const h = setup();
    const c = await h.connect('app', { protocolPing: false });
    const answer = (): void => c.client.sendFrame({ type: 'pong' });
    await h.advanceTo(1000);
    answer();
    await h.advanceTo(2000);
    answer();
    await h.advanceTo(3000 + TIMEOUT - 1);
    expect(c.client.terminated).toBe(false);
    expect(h.hb.stats().pongsReceived).toBe(2);
    await h.advanceTo(3000 + TIMEOUT);
    expect(c.client.terminated).toBe(true);
    expect(h.timeouts[0]).toMatchObject({ connectionId: c.id, missed: 1, lastPongAt: h.t0 + 2000 });
    expect(c.client.framesOf('ping')).toHaveLength(3);
  });

  it('with maxMissed 3 tolerates two missed pings and terminates at the third', async () => {
    const h = setup({ intervalMs: INTERVAL, timeoutMs: TIMEOUT, maxMissed: 3 });
    const c = await h.connect('c', { autoPong: false });
    await h.advanceTo(1000 + TIMEOUT);
    expect(h.hb.checkConnectionHealth(c.id)).toEqual({
      connected: true,
      healthy: false,
      lastPongAt: null,
      rttMs: null,
      missed: 1,
    });
    await h.advanceTo(2000 + TIMEOUT);
    expect(h.hb.checkConnectionHealth(c.id).missed).toBe(2);
    await h.advanceTo(3000 + TIMEOUT - 1);
    expect(c.client.terminated).toBe(false);
    await h.advanceTo(3000 + TIMEOUT);
    expect(c.client.terminated).toBe(true);
    expect(h.timeouts).toEqual([
      { connectionId: c.id, userId: 'c', missed: 3, lastPongAt: null, lastActivityAt: h.t0 },
    ]);
  });

  it('a late pong is a sign of life: it resets the missed count', async () => {
    const h = setup({ intervalMs: INTERVAL, timeoutMs: TIMEOUT, maxMissed: 2 });
    const c = await h.connect('c', { autoPong: false });
    await h.advanceTo(1000 + TIMEOUT);
    expect(h.hb.checkConnectionHealth(c.id).missed).toBe(1);
    await h.advanceTo(1700);
    c.client.pong();
    expect(h.hb.checkConnectionHealth(c.id)).toMatchObject({
      healthy: true,
      missed: 0,
      lastPongAt: h.t0 + 1700,
    });
    await h.advanceTo(2000 + TIMEOUT);
    expect(h.hb.checkConnectionHealth(c.id).missed).toBe(1);
    expect(c.client.terminated).toBe(false);
    await h.advanceTo(3000 + TIMEOUT);
    expect(c.client.terminated).toBe(true);
    expect(h.timeouts[0]).toMatchObject({ missed: 2, lastPongAt: h.t0 + 1700 });
  });

  it('counts any inbound frame after the ping as a sign of life', async () => {
    const h = setup();
    const c = await h.connect('chatty', { autoPong: false });
    for (let round = 1; round <= 4; round++) {
      await h.advanceTo(round * 1000 + 150);
      c.client.sendFrame({ type: 'ping' });
    }
    await h.advanceTo(4000 + TIMEOUT);
    expect(c.client.terminated).toBe(false);
    expect(h.hb.checkConnectionHealth(c.id)).toMatchObject({
      healthy: true,
      missed: 0,
      lastPongAt: null,
    });
    expect(h.hb.stats().pongsReceived).toBe(0);
  });

  it('a wall clock set back does not turn traffic after a ping into a miss', async () => {
    const manual = createManualClock();
    let offset = 0;
    const clock: Clock = {
      now: () => manual.now() + offset,
      setTimeout: (fn, ms) => manual.setTimeout(fn, ms),
      setInterval: (fn, ms) => manual.setInterval(fn, ms),
      clear: (t) => manual.clear(t),
    };
    const manager = createManager({ clock, logger: silentLogger() });
    managers.push(manager);
    manager.use(heartbeat({ intervalMs: INTERVAL, timeoutMs: TIMEOUT }));
    const { server, client } = createMemorySocketPair({ autoPong: false });
    await manager.connectUser(userId('c'), server);
    const start = manual.now();
    const at = async (ms: number): Promise<void> => {
      manual.advance(ms - (manual.now() - start));
      await flush();
    };
    await at(1000);
    expect(client.pings).toBe(1);
    await at(1050);
    offset = -600_000; // NTP steps the clock back ten minutes
    await at(1150);
    client.sendFrame({ type: 'ping' });
    await at(2150);
    client.sendFrame({ type: 'ping' });
    await at(3000 + TIMEOUT - 1);
    expect(client.terminated).toBe(false);
    await at(3000 + TIMEOUT);
    expect(client.terminated).toBe(true);
  });

  it('does not count traffic from before the ping', async () => {
    const h = setup();
    const c = await h.connect('c', { autoPong: false });
    await h.advanceTo(999);
    c.client.sendFrame({ type: 'ping' });
    await h.advanceTo(1000 + TIMEOUT);
    expect(c.client.terminated).toBe(true);
    expect(h.timeouts[0]).toMatchObject({ connectionId: c.id, lastActivityAt: h.t0 + 999 });
  });

  it('terminates many dead peers in one pass and keeps every healthy one', async () => {
    const h = setup();
    const peers = [];
    for (let i = 0; i < 40; i++) peers.push(await h.connect(`u${i}`, { autoPong: i % 2 === 1 }));
    await h.advanceTo(1000 + TIMEOUT);
    const dead = peers.filter((_, i) => i % 2 === 0).map((p) => p.id);
    expect(h.timeouts.map((t) => t.connectionId).sort()).toEqual([...dead].sort());
    expect(h.disconnects.map((d) => d.id).sort()).toEqual([...dead].sort());
    expect(peers.filter((p) => p.client.terminated)).toHaveLength(20);
    await h.advanceTo(6000);
    expect(h.timeouts).toHaveLength(20);
    expect(h.manager.getStats().connections).toBe(20);
    expect(h.hb.stats().connections).toBe(20);
  });

  it('keeps going when a heartbeat:timeout listener throws, and reports it', async () => {
    const h = setup();
    h.manager.on('heartbeat:timeout', () => {
      throw new Error('listener bug');
    });
    const a = await h.connect('a', { autoPong: false });
    const b = await h.connect('b', { autoPong: false });
    await h.advanceTo(1000 + TIMEOUT);
    expect([a.client.terminated, b.client.terminated]).toEqual([true, true]);
    expect(h.errors.map((e) => [e.stage, e.err.message])).toEqual([
      ['heartbeat:timeout-listener', 'listener bug'],
      ['heartbeat:timeout-listener', 'listener bug'],
    ]);
  });
});

describe('heartbeat: RTT and the handle', () => {
  it('measures the RTT from the scheduled ping to the first pong after it', async () => {
    const h = setup();
    const c = await h.connect('c', { autoPong: false });
    await h.advanceTo(1000);
    h.clock.advance(37);
    c.client.pong();
    c.client.pong();
    expect(h.hb.checkConnectionHealth(c.id)).toEqual({
      connected: true,
      healthy: true,
      lastPongAt: h.t0 + 1037,
      rttMs: 37,
      missed: 0,
    });
    const rtt = h.manager.metrics.read('ws_heartbeat_rtt_seconds');
    expect(rtt?.kind).toBe('histogram');
    if (rtt?.kind !== 'histogram') return;
    expect(rtt.samples[0]?.count).toBe(1);
    expect(rtt.samples[0]?.sum).toBeCloseTo(0.037, 9);
    expect(h.metric('ws_heartbeat_pongs_received_total')).toBe(2);
    expect(h.hb.stats()).toMatchObject({ rttMeanMs: 37, pongsReceived: 2 });
    expect(h.hb.stats().rttP95Ms).toBeGreaterThan(25);
    expect(h.hb.stats().rttP95Ms).toBeLessThanOrEqual(50);
  });

  it('sendPing pings at once and its pong gives an RTT sample', async () => {
    const h = setup();
    const c = await h.connect('c', { autoPong: false });
    await h.advanceTo(300);
    expect(h.hb.sendPing(c.id)).toBe(true);
    expect(c.client.pings).toBe(1);
    h.clock.advance(12);
    c.client.pong();
    expect(h.hb.checkConnectionHealth(c.id).rttMs).toBe(12);
    expect(h.metric('ws_heartbeat_pings_sent_total')).toBe(1);
    const app = await h.connect('app', { protocolPing: false });
    expect(h.hb.sendPing(app.id)).toBe(true);
    expect(app.client.framesOf('ping')).toHaveLength(1);
    expect(h.hb.sendPing(connectionId('nope'))).toBe(false);
  });

  it('recordPong counts as a pong for a transport that reports pongs its own way', async () => {
    const h = setup();
    const c = await h.connect('c', { autoPong: false });
    await h.advanceTo(1000);
    h.clock.advance(20);
    expect(h.hb.recordPong(c.id)).toBe(true);
    await h.advanceTo(1000 + TIMEOUT);
    expect(c.client.terminated).toBe(false);
    expect(h.hb.checkConnectionHealth(c.id)).toEqual({
      connected: true,
      healthy: true,
      lastPongAt: h.t0 + 1020,
      rttMs: 20,
      missed: 0,
    });
    expect(h.hb.recordPong(connectionId('nope'))).toBe(false);
  });

  it('checkConnectionHealth: an unknown connection, and an unanswered ping past its timeout', async () => {
    const h = setup({ intervalMs: 1000, timeoutMs: 350 });
    expect(h.hb.checkConnectionHealth(connectionId('nope'))).toEqual({
      connected: false,
      healthy: false,
      lastPongAt: null,
      rttMs: null,
      missed: 0,
    });
    const c = await h.connect('c', { autoPong: false });
    h.clock.advance(1000);
    expect(h.hb.checkConnectionHealth(c.id).healthy).toBe(true);
    // The ping is judged at the next tick past 350 ms; in between it is already overdue.
    h.clock.advance(351);
    expect(c.client.terminated).toBe(false);
    expect(h.hb.checkConnectionHealth(c.id)).toMatchObject({
      connected: true,
      healthy: false,
      missed: 0,
    });
  });

  it('stats() reports the resolved figures and the timer resolution', () => {
    const h = setup({ preset: 'production' });
    expect(h.hb.stats()).toEqual({
      preset: 'production',
      intervalMs: 25_000,
      timeoutMs: 20_000,
      maxMissed: 1,
      resolutionMs: 1000,
      connections: 0,
      pingsSent: 0,
      pongsReceived: 0,
      timeouts: 0,
      stalls: 0,
      lastLagMs: 0,
      maxLagMs: 0,
      rttMeanMs: null,
      rttP95Ms: null,
    });
  });

  it('registers its metrics in the manager registry', () => {
    const h = setup();
    for (const name of [
      'ws_heartbeat_rtt_seconds',
      'ws_heartbeat_pings_sent_total',
      'ws_heartbeat_pongs_received_total',
      'ws_heartbeat_timeouts_total',
      'ws_heartbeat_stalls_total',
      'ws_heartbeat_event_loop_lag_seconds',
    ]) {
      expect(h.manager.metrics.has(name), name).toBe(true);
    }
    expect(h.manager.metrics.read('ws_heartbeat_rtt_seconds')?.kind).toBe('histogram');
    expect(h.manager.metrics.read('ws_heartbeat_timeouts_total')?.kind).toBe('counter');
  });

  it('two managers in one process keep separate state', async () => {
    const h1 = setup();
    const h2 = setup();
    const a = await h1.connect('a', { autoPong: false });
    const b = await h2.connect('b');
    await h1.advanceTo(1000 + TIMEOUT);
    await h2.advanceTo(1000 + TIMEOUT);
    expect(a.client.terminated).toBe(true);
    expect(b.client.terminated).toBe(false);
    expect(h1.hb.stats()).toMatchObject({ timeouts: 1, pongsReceived: 0 });
    expect(h2.hb.stats()).toMatchObject({ timeouts: 0, pongsReceived: 1 });
    expect(h2.metric('ws_heartbeat_timeouts_total')).toBe(0);
  });
});
