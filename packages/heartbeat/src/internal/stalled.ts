import { emitEvent } from './emitEvent.js';
import type { EngineState } from './state.js';

/**
 * Marks an event-loop stall detected at the current tick: pings sent before it are forgiven
 * (their pongs may sit unread in socket buffers), logged and emitted as `heartbeat:stall`.
 */
export function stalled(st: EngineState, lagMs: number): void {
  st.forgiveBefore = st.tickIndex;
  st.counts.stalls++;
  st.m.stalls.inc();
  // A block past the timeout is worth a warning; shorter ones (busy CI, GC) only a debug line.
  const message = 'heartbeat: the event loop was blocked; pings sent before now are not judged';
  const fields = { lagMs: Math.round(lagMs) };
  if (lagMs >= st.o.timeoutMs) st.ctx.logger.warn(message, fields);
  else st.ctx.logger.debug(message, fields);
  emitEvent(st, 'heartbeat:stall', { lagMs });
}
