/**
 * Event-loop stalls, with vitest's fake timers driving core's system clock. A blocked loop is
 * `vi.setSystemTime(now + ms)`: wall time moves on, no timer fires and no socket is read; the
 * overdue timer then fires once, late, and the pongs that arrived meanwhile are read after it
 * (Node runs the timers phase before polling I/O).
 */
import type { ConnectionId, Manager } from '@ws/core';
import { createManager, silentLogger, userId } from '@ws/core';
import type { MemoryClient } from '@ws/core/testing';
import { createMemorySocketPair } from '@ws/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HeartbeatHandle, HeartbeatStall, HeartbeatTimeout } from './index.js';
import { heartbeat } from './index.js';

// Tick 100 ms; a connection registered at t0 is pinged at t0 + 1000 and judged at t0 + 1400.
const START = 1_700_000_000_000;

interface Peer {
  readonly id: ConnectionId;
  readonly client: MemoryClient;
}

interface Harness {
  readonly manager: Manager;
  readonly hb: HeartbeatHandle;
  readonly timeouts: HeartbeatTimeout[];
  readonly stalls: HeartbeatStall[];
  readonly warnings: string[];
  readonly debugs: string[];
  connect(name: string): Promise<Peer>;
}

let manager: Manager | undefined;

/** The value of an unlabelled counter or gauge. */
function metricValue(m: Manager, name: string): number | undefined {
  const snap = m.metrics.read(name);
  return snap?.kind === 'histogram' ? undefined : snap?.samples[0]?.value;
}

beforeEach(() => {
  vi.useFakeTimers({ now: START });
});
afterEach(async () => {
  await manager?.close();
  manager = undefined;
  vi.useRealTimers();
});

function setup(): Harness {
  const warnings: string[] = [];
  const debugs: string[] = [];
  const m = createManager({
    logger: {
      ...silentLogger(),
      warn: (message) => warnings.push(message),
      debug: (message) => debugs.push(message),
    },
    maxConnectionsPerUser: 100,
  });
  manager = m;
  const hb = m.use(heartbeat({ intervalMs: 1000, timeoutMs: 400 }));
  const timeouts: HeartbeatTimeout[] = [];
  const stalls: HeartbeatStall[] = [];
  m.on('heartbeat:timeout', (t: HeartbeatTimeout) => timeouts.push(t));
  m.on('heartbeat:stall', (s: HeartbeatStall) => stalls.push(s));
  return {
    manager: m,
    hb,
    timeouts,
    stalls,
    warnings,
    debugs,
    async connect(name) {
      const { server, client } = createMemorySocketPair({ autoPong: false });
      const id = await m.connectUser(userId(name), server);
      return { id, client };
    },
  };
}

/** The event loop is blocked for `ms`: time passes, no timer fires, no socket is read. */
function blockEventLoop(ms: number): void {
  vi.setSystemTime(Date.now() + ms);
}

async function connectMany(h: Harness, n: number): Promise<Peer[]> {
  const peers: Peer[] = [];
  for (let i = 0; i < n; i++) peers.push(await h.connect(`u${i}`));
  return peers;
}

describe('heartbeat: event-loop stalls', () => {
  it('declares nobody dead for pongs that could not be read while the loop was blocked', async () => {
    const h = setup();
    const peers = await connectMany(h, 5);
    await vi.advanceTimersByTimeAsync(1000);
    expect(peers.map((p) => p.client.pings)).toEqual([1, 1, 1, 1, 1]);
    await vi.advanceTimersByTimeAsync(300);
    // The peers answer at once, but the loop blocks before it reads a single pong, past the
    // ping's 400 ms deadline; the judging tick runs first when the loop wakes up.
    blockEventLoop(3000);
    await vi.advanceTimersByTimeAsync(100);
    expect(h.stalls).toEqual([{ lagMs: 3000 }]);
    expect(h.timeouts).toEqual([]);
    for (const p of peers) {
      expect(p.client.terminated).toBe(false);
      p.client.pong();
      p.client.autoPong = true;
    }
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h.timeouts).toEqual([]);
    expect(h.manager.getStats().connections).toBe(5);
    for (const p of peers)
      expect(h.hb.checkConnectionHealth(p.id)).toMatchObject({ healthy: true, missed: 0 });
    expect(h.hb.stats()).toMatchObject({ stalls: 1, maxLagMs: 3000, lastLagMs: 0, timeouts: 0 });
    expect(metricValue(h.manager, 'ws_heartbeat_stalls_total')).toBe(1);
    expect(h.warnings).toEqual([
      'heartbeat: the event loop was blocked; pings sent before now are not judged',
    ]);
  });

  it('control: the same late pongs without a stall are misses', async () => {
    const h = setup();
    const peers = await connectMany(h, 5);
    await vi.advanceTimersByTimeAsync(1400);
    expect(h.stalls).toEqual([]);
    expect(h.timeouts.map((t) => t.connectionId)).toEqual(peers.map((p) => p.id));
    for (const p of peers) expect(p.client.terminated).toBe(true);
  });

  it('a peer that is really dead is still terminated, one fresh window later', async () => {
    const h = setup();
    const [healthy, dead] = (await connectMany(h, 2)) as [Peer, Peer];
    await vi.advanceTimersByTimeAsync(1300);
    blockEventLoop(3000);
    await vi.advanceTimersByTimeAsync(100);
    healthy.client.pong();
    healthy.client.autoPong = true;
    expect(dead.client.terminated).toBe(false);
    // Pinged again at tick 20 (wall time START + 5000), judged at tick 24.
    await vi.advanceTimersByTimeAsync(999);
    expect(dead.client.pings).toBe(2);
    expect(dead.client.terminated).toBe(false);
    expect(Date.now()).toBe(START + 5399);
    await vi.advanceTimersByTimeAsync(1);
    expect(dead.client.terminated).toBe(true);
    expect(healthy.client.terminated).toBe(false);
    expect(h.timeouts).toEqual([
      { connectionId: dead.id, userId: 'u1', missed: 1, lastPongAt: null, lastActivityAt: START },
    ]);
  });

  it('a short hiccup under the threshold is not a stall', async () => {
    const h = setup();
    const [late] = (await connectMany(h, 1)) as [Peer];
    await vi.advanceTimersByTimeAsync(1300);
    blockEventLoop(60);
    await vi.advanceTimersByTimeAsync(100);
    expect(h.hb.stats()).toMatchObject({ stalls: 0, lastLagMs: 60, maxLagMs: 60 });
    expect(metricValue(h.manager, 'ws_heartbeat_event_loop_lag_seconds')).toBeCloseTo(0.06, 9);
    expect(h.stalls).toEqual([]);
    expect(late.client.terminated).toBe(true);
  });

  it('a stall shorter than the timeout is handled the same, logged at debug level', async () => {
    const h = setup();
    const [p] = (await connectMany(h, 1)) as [Peer];
    await vi.advanceTimersByTimeAsync(1300);
    blockEventLoop(250);
    await vi.advanceTimersByTimeAsync(100);
    expect(h.stalls).toEqual([{ lagMs: 250 }]);
    expect(p.client.terminated).toBe(false);
    expect(h.warnings).toEqual([]);
    expect(h.debugs).toContain(
      'heartbeat: the event loop was blocked; pings sent before now are not judged',
    );
  });

  it('pings sent after a stall are judged normally', async () => {
    const h = setup();
    const [p] = (await connectMany(h, 1)) as [Peer];
    // The stall comes before the first ping: nothing was outstanding, nothing is forgiven.
    await vi.advanceTimersByTimeAsync(500);
    blockEventLoop(5000);
    await vi.advanceTimersByTimeAsync(100);
    expect(h.stalls).toEqual([{ lagMs: 5000 }]);
    await vi.advanceTimersByTimeAsync(400);
    expect(p.client.pings).toBe(1);
    await vi.advanceTimersByTimeAsync(399);
    expect(p.client.terminated).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(p.client.terminated).toBe(true);
  });
});
