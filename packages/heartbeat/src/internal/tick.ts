import { declareDead } from './declareDead.js';
import type { ConnState, EngineState } from './state.js';
import { stalled } from './stalled.js';

/**
 * The timer's callback for one heartbeat. Each tick measures its lateness (a stall), judges the
 * bucket pinged `checkAfter` ticks earlier, then pings the bucket due. The two visitors are
 * created once here, not per connection or per tick: a visit costs one call per member.
 */
export function createTick(st: EngineState): () => void {
  const judge = (s: ConnState): void => {
    if (!s.pending) return;
    s.pending = false;
    // Only a silent connection costs a read of the view: a pong set `ponged`.
    if (s.ponged || s.conn.lastActivityAt - st.epoch >= (s.pingSentAt as number)) {
      s.missed = 0;
      return;
    }
    // Its window overlapped a stall: a pong may be unread. The next ping decides.
    if (s.pingTick < st.forgiveBefore) return;
    if (++s.missed >= st.o.maxMissed) declareDead(st, s);
  };

  const ping = (s: ConnState): void => {
    s.pingTick = st.tickIndex;
    s.pingSentAt = st.tickRel;
    s.rttFrom = st.tickRel;
    s.ponged = false;
    s.pending = true;
    s.conn.ping();
    st.sentThisTick++;
  };

  return function tick(): void {
    const { plan, ring, counts } = st;
    try {
      const now = st.clock.now();
      const lag = now - st.lastTickAt - plan.tickMs;
      const wentBack = now < st.lastTickAt;
      st.lastTickAt = now;
      st.tickRel = now - st.epoch;
      st.tickIndex++;
      counts.lastLagMs = lag > 0 ? lag : 0;
      if (lag > counts.maxLagMs) counts.maxLagMs = lag;
      if (lag > plan.stallThresholdMs) stalled(st, lag);
      // The wall clock was set back: pings stamped before cannot be compared with later activity.
      else if (wentBack) st.forgiveBefore = st.tickIndex;
      const k = plan.buckets;
      // Judge before pinging: with checkAfter === buckets both are the same bucket.
      ring.visit((st.tickIndex - plan.checkAfter + k) % k, judge);
      st.sentThisTick = 0;
      ring.visit(st.tickIndex % k, ping);
    } catch (err) {
      st.ctx.onError(err, { stage: 'tick' });
    } finally {
      if (st.sentThisTick !== 0) {
        counts.pingsSent += st.sentThisTick;
        st.m.pingsSent.inc(st.sentThisTick);
        st.sentThisTick = 0;
      }
    }
  };
}
