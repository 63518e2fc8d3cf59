import { emitEvent } from './emitEvent.js';
import type { ConnState, EngineState } from './state.js';
import { forget } from './track.js';

/** Terminates a connection that missed `maxMissed` pings and emits `heartbeat:timeout`. */
export function declareDead(st: EngineState, s: ConnState): void {
  const conn = s.conn;
  forget(st, s);
  st.counts.timeouts++;
  st.m.timeouts.inc();
  try {
    conn.terminate();
  } catch (err) {
    st.ctx.onError(err, { stage: 'terminate', connectionId: conn.id });
  }
  emitEvent(st, 'heartbeat:timeout', {
    connectionId: conn.id,
    userId: conn.userId,
    missed: s.missed,
    lastPongAt: s.lastPongAt === undefined ? null : s.lastPongAt + st.epoch,
    lastActivityAt: conn.lastActivityAt,
  });
}
