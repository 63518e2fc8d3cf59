import type { ConnectionId } from '@ws/core';
import type { ConnectionHealth, HeartbeatHandle, HeartbeatStats } from '../types.js';
import type { ConnState, EngineState } from './state.js';
import { recordPongAt, track } from './track.js';

/** The state of an open connection of this instance, tracked from now; undefined once closed. */
function openState(st: EngineState, connectionId: ConnectionId): ConnState | undefined {
  if (st.closed) return undefined;
  const conn = st.ctx.getConnection(connectionId);
  if (conn === undefined || !conn.isOpen) return undefined;
  return track(st, conn);
}

function health(st: EngineState, connectionId: ConnectionId): ConnectionHealth {
  const s = openState(st, connectionId);
  if (s === undefined) {
    const conn = st.ctx.getConnection(connectionId);
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
    s.conn.lastActivityAt - st.epoch < (s.pingSentAt as number) &&
    st.clock.now() - st.epoch - (s.pingSentAt as number) > st.o.timeoutMs;
  return {
    connected: true,
    healthy: s.missed === 0 && !overdue,
    lastPongAt: s.lastPongAt === undefined ? null : s.lastPongAt + st.epoch,
    rttMs: s.rttMs < 0 ? null : s.rttMs,
    missed: s.missed,
  };
}

function stats(st: EngineState): HeartbeatStats {
  const { o, counts } = st;
  const p95 = st.m.rtt.quantile(0.95);
  return {
    preset: o.preset,
    intervalMs: o.intervalMs,
    timeoutMs: o.timeoutMs,
    maxMissed: o.maxMissed,
    resolutionMs: st.plan.tickMs,
    connections: st.ring.size,
    pingsSent: counts.pingsSent,
    pongsReceived: counts.pongsReceived,
    timeouts: counts.timeouts,
    stalls: counts.stalls,
    lastLagMs: counts.lastLagMs,
    maxLagMs: counts.maxLagMs,
    rttMeanMs: counts.rttCount === 0 ? null : counts.rttSum / counts.rttCount,
    rttP95Ms: Number.isNaN(p95) ? null : p95 * 1000,
  };
}

/** What `manager.use(heartbeat())` returns, over the engine's state. */
export function createHeartbeatHandle(st: EngineState): HeartbeatHandle {
  return {
    sendPing(connectionId) {
      const s = openState(st, connectionId);
      if (s === undefined) return false;
      if (s.rttFrom === undefined) s.rttFrom = st.clock.now() - st.epoch;
      s.conn.ping();
      st.counts.pingsSent++;
      st.m.pingsSent.inc();
      return true;
    },
    recordPong(connectionId) {
      const s = openState(st, connectionId);
      if (s === undefined) return false;
      recordPongAt(st, s, st.clock.now());
      return true;
    },
    checkConnectionHealth: (connectionId) => health(st, connectionId),
    stats: () => stats(st),
  };
}
