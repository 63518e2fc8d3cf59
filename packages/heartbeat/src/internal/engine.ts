import type { PluginContext } from '@ws/core';
import type { ResolvedHeartbeatOptions } from '../options.js';
import type { HeartbeatHandle } from '../types.js';
import { createHeartbeatHandle } from './handle.js';
import { createEngineState } from './state.js';
import { createTick } from './tick.js';
import { forget, recordPongAt, track } from './track.js';

/**
 * Runs the heartbeat on one manager: one timer for every connection. A connection sits in one
 * bucket of a ring for its whole life; each tick pings the members of one bucket and judges the
 * members of the bucket pinged `checkAfter` ticks earlier, so every connection costs two visits
 * per interval and a tick touches only the connections due. A tick that fires late marks an
 * event-loop stall: pings sent before it are not judged (their pongs may sit unread in socket
 * buffers), and are replaced by the next scheduled ping.
 */
export function startHeartbeat(ctx: PluginContext, o: ResolvedHeartbeatOptions): HeartbeatHandle {
  // Clients read these from `welcome` to notice a dead network on their own (a browser cannot see protocol pings).
  ctx.welcome({ heartbeat: { intervalMs: o.intervalMs, timeoutMs: o.timeoutMs } });
  const st = createEngineState(ctx, o);
  const { clock, manager } = ctx;
  const unsubscribe = [
    manager.on('connection', (conn) => {
      if (!st.closed) track(st, conn);
    }),
    manager.on('disconnect', (conn) => {
      const s = st.states.get(conn);
      if (s !== undefined) forget(st, s);
    }),
    manager.on('pong', (conn) => {
      const s = st.states.get(conn);
      if (s !== undefined) recordPongAt(st, s, clock.now());
    }),
  ];
  for (const conn of ctx.connections()) if (conn.isOpen) track(st, conn);
  const timer = clock.setInterval(createTick(st), st.plan.tickMs);

  ctx.onClose(() => {
    st.closed = true;
    clock.clear(timer);
    for (const off of unsubscribe) off();
    st.ring.clear();
  });

  return createHeartbeatHandle(st);
}
