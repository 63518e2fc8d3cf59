import type { ClusterStats, ManagerHealth, ManagerStats, UserPresence } from '../api.js';
import type { ClusterHealth, InstanceInfo } from '../cluster.js';
import { toWsError } from '../errors.js';
import type { ConnectionId, InstanceId, UserId } from '../ids.js';
import { isUserId } from '../ids.js';
import type { ManagerState } from './state.js';
import { userConnections } from './users.js';

/** Where a user is connected: this instance's connections, then the cluster's. */
export async function findUserPresence(
  state: ManagerState,
  userId: UserId,
): Promise<UserPresence | null> {
  if (!isUserId(userId)) return null;
  const seen = new Map<ConnectionId, InstanceId>();
  for (const rec of userConnections(state, userId) ?? []) seen.set(rec.id, state.instanceId);
  try {
    for (const loc of await state.cluster.findUser(userId)) {
      for (const id of loc.connectionIds) if (!seen.has(id)) seen.set(id, loc.instanceId);
    }
  } catch (err) {
    state.reportError(err, 'cluster-find-user');
  }
  if (seen.size === 0) return null;
  return {
    userId,
    connections: [...seen].map(([connectionId, inst]) => ({ connectionId, instanceId: inst })),
  };
}

/** This instance's figures. */
export function managerStats(state: ManagerState): ManagerStats {
  return {
    instanceId: state.instanceId,
    state: state.lifecycle,
    connections: state.connections.size,
    users: state.users.size,
    threads: state.threads.size,
    messagesReceived: state.m.received.get(),
    messagesSent: state.m.sent.get(),
    uptimeMs: state.clock.now() - state.startedAt,
  };
}

/** The cluster's figures, as the adapter knows them; a failing adapter reads as `down`. */
export async function clusterStats(state: ManagerState): Promise<ClusterStats> {
  let instances: readonly InstanceInfo[] = [];
  let health: ClusterHealth;
  try {
    [instances, health] = await Promise.all([state.cluster.instances(), state.cluster.health()]);
  } catch (err) {
    const error = state.reportError(err, 'cluster-stats');
    health = { status: 'down', detail: error.message };
  }
  let connections = 0;
  let users = 0;
  for (const i of instances) {
    connections += i.connections;
    users += i.users;
  }
  return { instances, connections, users, health };
}

/** The manager's health: ready only when running and the cluster is ready. */
export async function managerHealth(state: ManagerState): Promise<ManagerHealth> {
  let cluster: ClusterHealth;
  try {
    cluster = await state.cluster.health();
  } catch (err) {
    cluster = { status: 'down', detail: toWsError(err).message };
  }
  const status = state.lifecycle !== 'running' ? 'down' : cluster.status;
  return { status, state: state.lifecycle, cluster, connections: state.connections.size };
}
