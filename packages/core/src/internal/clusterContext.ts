import type { ClusterContext } from '../cluster.js';
import { deliverLocal } from './deliverLocal.js';
import { presenceChanged } from './presence.js';
import { receiveLocal } from './receive.js';
import { closeRecord, closeUserConnections } from './records.js';
import type { ManagerState } from './state.js';

/** What the cluster adapter of one manager may do to, and learn from, its instance. */
export function createClusterContext(state: ManagerState): ClusterContext {
  const { limits } = state;
  return {
    instanceId: state.instanceId,
    deliverLocal: (target, frame) => {
      deliverLocal(state, target, frame);
    },
    evictLocal(connectionId, code) {
      const rec = state.connections.get(connectionId);
      if (rec === undefined) return false;
      state.m.evicted.inc();
      state.emitter.emit('evicted', { connectionId, userId: rec.userId, code });
      closeRecord(state, rec, { code, reason: 'evicted' });
      return true;
    },
    closeUserLocal: (userId, close) => closeUserConnections(state, userId, close),
    presenceChanged: (change) => {
      presenceChanged(state, change);
    },
    sendLocal(connectionId, frame) {
      if (!state.connections.has(connectionId)) return 'not_found';
      return deliverLocal(state, { kind: 'connection', connectionId }, frame) > 0
        ? 'delivered'
        : 'dropped';
    },
    receiveLocal: (connectionId, request) => receiveLocal(state, connectionId, request),
    *localConnections() {
      for (const rec of state.connections.values()) {
        yield { connectionId: rec.id, userId: rec.userId, threads: rec.threadIds };
      }
    },
    limits: {
      maxConnectionsPerUser: limits.maxConnectionsPerUser,
      onUserLimit: limits.onUserLimit,
    },
    sessionTtlMs: limits.sessionTtlMs,
    clock: state.clock,
    metrics: state.metrics,
    logger: state.logger,
    onError: (err, info) => {
      state.reportError(err, info.stage);
    },
    lifecycle: () => state.lifecycle,
  };
}
