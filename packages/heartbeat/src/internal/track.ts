import type { Connection } from '@ws/core';
import type { ConnState, EngineState } from './state.js';

/** The connection's state, created and put in the ring on first sight. */
export function track(st: EngineState, conn: Connection): ConnState {
  let s = st.states.get(conn);
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
  st.states.set(conn, s);
  // The bucket pinged at the last tick: the first ping comes one interval from now.
  st.ring.add(s, st.tickIndex % st.plan.buckets);
  return s;
}

/** Drops the connection's state and takes it out of the ring. */
export function forget(st: EngineState, s: ConnState): void {
  st.states.delete(s.conn);
  st.ring.remove(s);
}

/** Records a pong that arrived at `at` (clock time): clears misses, takes an RTT sample. */
export function recordPongAt(st: EngineState, s: ConnState, at: number): void {
  st.counts.pongsReceived++;
  st.m.pongsReceived.inc();
  s.ponged = true;
  s.missed = 0;
  const relAt = at - st.epoch;
  s.lastPongAt = relAt;
  if (s.rttFrom !== undefined) {
    const rtt = relAt > s.rttFrom ? relAt - s.rttFrom : 0;
    s.rttFrom = undefined;
    s.rttMs = rtt;
    st.counts.rttSum += rtt;
    st.counts.rttCount++;
    st.m.rtt.observe(rtt / 1000);
  }
}
