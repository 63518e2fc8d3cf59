import type { CloseOptions } from '../api.js';
import { CloseCode } from '../closeCodes.js';
import { drainAll } from './drain.js';
import { stopPresenceDiffs } from './presenceDiffs.js';
import { closeRecord } from './records.js';
import type { ManagerState } from './state.js';

/**
 * Closes a manager: drains (a `reconnect` hint and 1012 per connection, at a bounded rate) or
 * closes every connection with 1001 at once; then stops the sweep, runs the plugins' close
 * hooks, stops the cluster adapter, and emits `close`.
 */
export async function closeManager(
  state: ManagerState,
  o: CloseOptions,
  stopSweep: () => void,
): Promise<void> {
  if (o.drain === true) {
    state.lifecycle = 'draining';
    state.emitter.emit('draining');
    await drainAll(state, o.timeoutMs ?? state.limits.drain.timeoutMs);
  } else {
    state.lifecycle = 'draining';
    const close = { code: CloseCode.goingAway, reason: 'server shutting down' };
    for (const rec of [...state.connections.values()]) closeRecord(state, rec, close);
  }
  stopSweep();
  stopPresenceDiffs(state);
  for (const hook of state.closeHooks) {
    try {
      await hook();
    } catch (err) {
      state.reportError(err, 'plugin-close');
    }
  }
  try {
    await state.cluster.stop({ drain: o.drain === true });
  } catch (err) {
    state.reportError(err, 'cluster-stop');
  }
  state.lifecycle = 'closed';
  state.emitter.emit('close');
  state.emitter.removeAllListeners();
  state.inbound.length = 0;
  state.outbound.length = 0;
}
