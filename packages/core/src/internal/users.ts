import type { UserId } from '../ids.js';
import type { ConnRecord, ManagerState } from './state.js';

/** True when a user's entry is the one record itself (not a `Set` of several). */
export function isSingleRecord(entry: ConnRecord | ReadonlySet<ConnRecord>): entry is ConnRecord {
  // A property check, cheaper than `instanceof` on the send path: records have a socket.
  return (entry as Partial<ConnRecord>).socket !== undefined;
}

/** A user's connections on this instance (undefined: none). */
export function userConnections(
  state: ManagerState,
  userId: UserId,
): readonly ConnRecord[] | ReadonlySet<ConnRecord> | undefined {
  const entry = state.users.get(userId);
  return entry === undefined || !isSingleRecord(entry) ? entry : [entry];
}

/** Adds a connection to its user's entry; true when it is the user's first here. */
export function addUserConnection(state: ManagerState, rec: ConnRecord): boolean {
  const entry = state.users.get(rec.userId);
  if (entry === undefined) {
    state.users.set(rec.userId, rec);
    return true;
  }
  if (!isSingleRecord(entry)) entry.add(rec);
  else if (entry !== rec) state.users.set(rec.userId, new Set([entry, rec]));
  return false;
}

/** Removes a connection from its user's entry; true when the user has none left here. */
export function removeUserConnection(state: ManagerState, rec: ConnRecord): boolean {
  const entry = state.users.get(rec.userId);
  if (entry === undefined) return false;
  if (!isSingleRecord(entry)) {
    entry.delete(rec);
    if (entry.size > 1) return false;
    const [last] = entry;
    if (last !== undefined) {
      state.users.set(rec.userId, last);
      return false;
    }
  } else if (entry !== rec) {
    return false;
  }
  state.users.delete(rec.userId);
  return true;
}
