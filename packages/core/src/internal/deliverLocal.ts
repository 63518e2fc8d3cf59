import type { DeliveryTarget } from '../cluster.js';
import type { ServerFrame } from '../frames.js';
import type { ConnRecord, ManagerState } from './state.js';
import { createFrameWriter, writeAll } from './writing.js';

/** This instance's connections a target addresses (undefined: none here). */
export function localRecipients(
  state: ManagerState,
  target: DeliveryTarget,
): ConnRecord | Iterable<ConnRecord> | undefined {
  switch (target.kind) {
    case 'thread':
      return state.threads.get(target.threadId);
    case 'user':
      return state.users.get(target.userId);
    case 'connection':
      return state.connections.get(target.connectionId);
    case 'all':
      return state.connections.values();
  }
}

/**
 * Delivers a frame from another instance to this instance's matching connections (the
 * `ClusterContext.deliverLocal` of the adapter); answers how many it was written to.
 */
export function deliverLocal(
  state: ManagerState,
  target: DeliveryTarget,
  frame: ServerFrame,
): number {
  const recs = localRecipients(state, target);
  if (recs === undefined) return 0;
  const w = createFrameWriter(state, frame, target.kind === 'thread' ? target.threadId : undefined);
  writeAll(w, recs);
  return w.delivered;
}
