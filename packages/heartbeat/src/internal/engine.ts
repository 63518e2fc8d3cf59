import type { Connection, ConnectionId, PluginContext } from '@ws/core';
import type { ResolvedHeartbeatOptions } from '../options.js';
import type {
  ConnectionHealth,
  HeartbeatHandle,
  HeartbeatStall,
  HeartbeatStats,
  HeartbeatTimeout,
} from '../types.js';
import { registerHeartbeatMetrics } from './metrics.js';
import { planTicks } from './plan.js';
import type { RingEntry } from './ring.js';
import { createRing } from './ring.js';

/** The heartbeat's state of one connection (kept in a WeakMap keyed by the connection view). */
interface ConnState extends RingEntry {
  readonly conn: Connection;
  /** Tick index of the last scheduled ping; -1 before the first. */
  pingTick: number;
  /** Time of the last scheduled ping (relative to `epoch`); undefined before the first. */
  pingSentAt: number | undefined;
  /** A scheduled ping waits for its judgement. */
  pending: boolean;
  /** A pong arrived since the last scheduled ping. */
  ponged: boolean;
  /** Time of the ping whose pong gives the next RTT sample (relative); undefined when none is outstanding. */
  rttFrom: number | undefined;
  /** Time of the last pong (relative); undefined before the first. */
  lastPongAt: number | undefined;
  rttMs: number;
  missed: number;
}

/**
 * Runs the heartbeat on one manager: one timer for every connection. A connection sits in one
 * bucket of a ring for its whole life; each tick pings the members of one bucket and judges the
 * members of the bucket pinged `checkAfter` ticks earlier, so every connection costs two visits
 * per interval and a tick touches only the connections due. A tick that fires late marks an
 * event-loop stall: pings sent before it are not judged (their pongs may sit unread in socket
 * buffers), and are replaced by the next scheduled ping.
 */
export function startHeartbeat(ctx: PluginContext, o: ResolvedHeartbeatOptions): HeartbeatHandle {
  const { clock, manager } = ctx;
  const plan = planTicks(o.intervalMs, o.timeoutMs);
  const states = new WeakMap<Connection, ConnState>();
  const ring = createRing<ConnState>(plan.buckets);
  const counts = {
    pingsSent: 0,
    pongsReceived: 0,
    timeouts: 0,
    stalls: 0,
    rttSum: 0,
    rttCount: 0,
    lastLagMs: 0,
    maxLagMs: 0,
  };
  const m = registerHeartbeatMetrics(ctx.metrics, () => counts.lastLagMs / 1000);

  let tickIndex = 0;
  /**
   * Per-connection times are kept relative to the heartbeat's start: small integers (no heap
   * number per field and connection, 48 bytes) where the clock counts whole milliseconds.
   */
  const epoch = clock.now();
  /** The current tick's time, relative to `epoch`. */
  let tickRel = 0;
  let lastTickAt = epoch;
  /** Pings of ticks before this one are forgiven: a stall was detected at this tick. */
  let forgiveBefore = -1;
  let sentThisTick = 0;
  let closed = false;

  function track(conn: Connection): ConnState {
    let s = states.get(conn);
    if (s !== undefined) return s;
    s = {
      conn,
      bucket: -1,
      slot: -1,
      gone: false,
      pingTick: -1,
      pingSentAt: undefined,
      pending: false,
      ponged: false,
      rttFrom: undefined,
      lastPongAt: undefined,
      rttMs: -1,
      missed: 0,
    };
    states.set(conn, s);
    // The bucket pinged at the last tick: the first ping comes one interval from now.
    ring.add(s, tickIndex % plan.buckets);
    return s;
  }

  function forget(s: ConnState): void {
    states.delete(s.conn);
    ring.remove(s);
  }

  function pong(s: ConnState, at: number): void {
    counts.pongsReceived++;
    m.pongsReceived.inc();
    s.ponged = true;
    s.missed = 0;
    const relAt = at - epoch;
    s.lastPongAt = relAt;
    if (s.rttFrom !== undefined) {
      const rtt = relAt > s.rttFrom ? relAt - s.rttFrom : 0;
      s.rttFrom = undefined;
      s.rttMs = rtt;
      counts.rttSum += rtt;
      counts.rttCount++;
      m.rtt.observe(rtt / 1000);
    }
  }

  function emit(
    event: 'heartbeat:timeout' | 'heartbeat:stall',
    payload: HeartbeatTimeout | HeartbeatStall,
  ): void {
    try {
      ctx.emit(event, payload);
    } catch (err) {
      ctx.onError(err, {
        stage: event === 'heartbeat:timeout' ? 'timeout-listener' : 'stall-listener',
      });
    }
  }

  function declareDead(s: ConnState): void {
    const conn = s.conn;
    forget(s);
    counts.timeouts++;
    m.timeouts.inc();
    try {
      conn.terminate();
    } catch (err) {
      ctx.onError(err, { stage: 'terminate', connectionId: conn.id });
    }
    emit('heartbeat:timeout', {
      connectionId: conn.id,
      userId: conn.userId,
      missed: s.missed,
      lastPongAt: s.lastPongAt === undefined ? null : s.lastPongAt + epoch,
      lastActivityAt: conn.lastActivityAt,
    });
  }

  const judge = (s: ConnState): void => {
    if (!s.pending) return;
    s.pending = false;
    // Only a silent connection costs a read of the view: a pong set `ponged`.
    if (s.ponged || s.conn.lastActivityAt - epoch >= (s.pingSentAt as number)) {
      s.missed = 0;
      return;
    }
    // Its window overlapped a stall: a pong may be unread. The next ping decides.
    if (s.pingTick < forgiveBefore) return;
    if (++s.missed >= o.maxMissed) declareDead(s);
  };

  const ping = (s: ConnState): void => {
    s.pingTick = tickIndex;
    s.pingSentAt = tickRel;
    s.rttFrom = tickRel;
    s.ponged = false;
    s.pending = true;
    s.conn.ping();
    sentThisTick++;
  };

  function stalled(lagMs: number): void {
    forgiveBefore = tickIndex;
    counts.stalls++;
    m.stalls.inc();
    // A block past the timeout is worth a warning; shorter ones (busy CI, GC) only a debug line.
    const message = 'heartbeat: the event loop was blocked; pings sent before now are not judged';
    const fields = { lagMs: Math.round(lagMs) };
    if (lagMs >= o.timeoutMs) ctx.logger.warn(message, fields);
    else ctx.logger.debug(message, fields);
    emit('heartbeat:stall', { lagMs });
  }

  function tick(): void {
    try {
      const now = clock.now();
      const lag = now - lastTickAt - plan.tickMs;
      const wentBack = now < lastTickAt;
      lastTickAt = now;
      tickRel = now - epoch;
      tickIndex++;
      counts.lastLagMs = lag > 0 ? lag : 0;
      if (lag > counts.maxLagMs) counts.maxLagMs = lag;
      if (lag > plan.stallThresholdMs) stalled(lag);
      // The wall clock was set back: pings stamped before cannot be compared with later activity.
      else if (wentBack) forgiveBefore = tickIndex;
      const k = plan.buckets;
      // Judge before pinging: with checkAfter === buckets both are the same bucket.
      ring.visit((tickIndex - plan.checkAfter + k) % k, judge);
      sentThisTick = 0;
      ring.visit(tickIndex % k, ping);
    } catch (err) {
      ctx.onError(err, { stage: 'tick' });
    } finally {
      if (sentThisTick !== 0) {
        counts.pingsSent += sentThisTick;
        m.pingsSent.inc(sentThisTick);
        sentThisTick = 0;
      }
    }
  }

  const unsubscribe = [
    manager.on('connection', (conn) => {
      if (!closed) track(conn);
    }),
    manager.on('disconnect', (conn) => {
      const s = states.get(conn);
      if (s !== undefined) forget(s);
    }),
    manager.on('pong', (conn) => {
      const s = states.get(conn);
      if (s !== undefined) pong(s, clock.now());
    }),
  ];
  for (const conn of ctx.connections()) if (conn.isOpen) track(conn);
  const timer = clock.setInterval(tick, plan.tickMs);

  ctx.onClose(() => {
    closed = true;
    clock.clear(timer);
    for (const off of unsubscribe) off();
    ring.clear();
  });

  const openState = (connectionId: ConnectionId): ConnState | undefined => {
    if (closed) return undefined;
    const conn = ctx.getConnection(connectionId);
    if (conn === undefined || !conn.isOpen) return undefined;
    return track(conn);
  };

  return {
    sendPing(connectionId) {
      const s = openState(connectionId);
      if (s === undefined) return false;
      if (s.rttFrom === undefined) s.rttFrom = clock.now() - epoch;
      s.conn.ping();
      counts.pingsSent++;
      m.pingsSent.inc();
      return true;
    },

    recordPong(connectionId) {
      const s = openState(connectionId);
      if (s === undefined) return false;
      pong(s, clock.now());
      return true;
    },

    checkConnectionHealth(connectionId): ConnectionHealth {
      const s = openState(connectionId);
      if (s === undefined) {
        const conn = ctx.getConnection(connectionId);
        return {
          connected: conn?.isOpen ?? false,
          healthy: false,
          lastPongAt: null,
          rttMs: null,
          missed: 0,
        };
      }
      const overdue =
        s.pending &&
        !s.ponged &&
        s.conn.lastActivityAt - epoch < (s.pingSentAt as number) &&
        clock.now() - epoch - (s.pingSentAt as number) > o.timeoutMs;
      return {
        connected: true,
        healthy: s.missed === 0 && !overdue,
        lastPongAt: s.lastPongAt === undefined ? null : s.lastPongAt + epoch,
        rttMs: s.rttMs < 0 ? null : s.rttMs,
        missed: s.missed,
      };
    },

    stats(): HeartbeatStats {
      const p95 = m.rtt.quantile(0.95);
      return {
        preset: o.preset,
        intervalMs: o.intervalMs,
        timeoutMs: o.timeoutMs,
        maxMissed: o.maxMissed,
        resolutionMs: plan.tickMs,
        connections: ring.size,
        pingsSent: counts.pingsSent,
        pongsReceived: counts.pongsReceived,
        timeouts: counts.timeouts,
        stalls: counts.stalls,
        lastLagMs: counts.lastLagMs,
        maxLagMs: counts.maxLagMs,
        rttMeanMs: counts.rttCount === 0 ? null : counts.rttSum / counts.rttCount,
        rttP95Ms: Number.isNaN(p95) ? null : p95 * 1000,
      };
    },
  };
}
