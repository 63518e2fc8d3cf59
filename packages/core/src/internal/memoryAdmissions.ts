import type { ClusterContext } from '../cluster.js';
import type { ConnectionId, InstanceId, UserId } from '../ids.js';

/** One admitted connection, and the instance that holds it. */
export interface Admission {
  readonly connectionId: ConnectionId;
  readonly instanceId: InstanceId;
}

/** The answer of {@link MemoryAdmissions.admit}: the admissions a new one displaces, or a refusal. */
export type AdmitDecision =
  | { readonly admitted: true; readonly evicted: readonly Admission[] }
  | { readonly admitted: false; readonly reason: string };

/** The per-user admissions of a memory hub, across its instances. */
export interface MemoryAdmissions {
  /** Admits a connection within the user's limit (rejecting, or evicting the oldest). */
  admit(userId: UserId, admission: Admission, limits: ClusterContext['limits']): AdmitDecision;
  release(userId: UserId, connectionId: ConnectionId): void;
  /** Forgets every admission of an instance that left the hub. */
  purge(instanceId: InstanceId): void;
}

/** Creates an empty admission table. */
export function createMemoryAdmissions(): MemoryAdmissions {
  /** Per user: the one admission itself (most users), a list from the second on. */
  const admitted = new Map<UserId, Admission | Admission[]>();
  const listOf = (entry: Admission | Admission[]): Admission[] =>
    Array.isArray(entry) ? entry : [entry];
  return {
    admit(userId, admission, { maxConnectionsPerUser, onUserLimit }) {
      const entry = admitted.get(userId);
      if (entry === undefined) {
        admitted.set(userId, admission);
        return { admitted: true, evicted: [] };
      }
      const list = listOf(entry);
      let evicted: Admission[] = [];
      if (list.length >= maxConnectionsPerUser) {
        if (onUserLimit === 'reject') {
          return {
            admitted: false,
            reason: `user has ${list.length} connections (limit ${maxConnectionsPerUser})`,
          };
        }
        evicted = list.splice(0, list.length - maxConnectionsPerUser + 1);
      }
      list.push(admission);
      admitted.set(userId, list);
      return { admitted: true, evicted };
    },
    release(userId, connectionId) {
      const entry = admitted.get(userId);
      if (entry === undefined) return;
      const list = listOf(entry);
      const i = list.findIndex((a) => a.connectionId === connectionId);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) admitted.delete(userId);
      else admitted.set(userId, list.length === 1 ? (list[0] as Admission) : list);
    },
    purge(instanceId) {
      for (const [userId, entry] of admitted) {
        const kept = listOf(entry).filter((a) => a.instanceId !== instanceId);
        if (kept.length === 0) admitted.delete(userId);
        else admitted.set(userId, kept);
      }
    },
  };
}
