import { CloseCode } from '../closeCodes.js';
import { closeRecord } from './records.js';
import type { ManagerState } from './state.js';
import { flushResyncs } from './writing.js';

/**
 * Starts the one sweep timer of a manager: closes expired sessions (4102) and idle connections
 * (4001), and sends the `resync` frames owed to drained slow consumers. Returns its stopper.
 */
export function startSweep(state: ManagerState): () => void {
  const { clock, limits } = state;
  const timer = clock.setInterval(() => {
    try {
      const now = clock.now();
      for (const rec of state.connections.values()) {
        if (rec.expiresAt !== undefined && now >= rec.expiresAt) {
          closeRecord(state, rec, { code: CloseCode.sessionExpired, reason: 'session expired' });
        } else if (now - state.timeOrigin - rec.lastActivityAt >= limits.idleTimeoutMs) {
          closeRecord(state, rec, { code: CloseCode.idleTimeout, reason: 'idle timeout' });
        } else if (rec.resyncPending !== undefined && rec.resyncPending.size !== 0) {
          flushResyncs(state, rec);
        }
      }
    } catch (err) {
      state.reportError(err, 'sweep');
    }
  }, limits.sweepIntervalMs);
  return () => clock.clear(timer);
}
