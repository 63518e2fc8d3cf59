import type { HeartbeatStall, HeartbeatTimeout } from '../types.js';
import type { EngineState } from './state.js';

/** Emits a heartbeat event; a listener's throw goes to `onError`, never into the tick. */
export function emitEvent(
  st: EngineState,
  event: 'heartbeat:timeout' | 'heartbeat:stall',
  payload: HeartbeatTimeout | HeartbeatStall,
): void {
  try {
    st.ctx.emit(event, payload);
  } catch (err) {
    st.ctx.onError(err, {
      stage: event === 'heartbeat:timeout' ? 'timeout-listener' : 'stall-listener',
    });
  }
}
