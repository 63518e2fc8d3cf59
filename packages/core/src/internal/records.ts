import type { DisconnectOptions } from '../api.js';
import { CloseCode, closeCodeLabel } from '../closeCodes.js';
import { WsError } from '../errors.js';
import type { DisconnectInfo } from '../events.js';
import type { ConnectionId, UserId } from '../ids.js';
import { saveSession } from './memberships.js';
import type { ConnRecord, ManagerState } from './state.js';
import { removeUserConnection, userConnections } from './users.js';

/** A close the server decides: the close code and reason sent to the peer. */
export interface CloseRequest {
  readonly code: number;
  readonly reason: string;
}

/** Detaches one of core's socket listeners; a throwing adapter is reported, never rethrown. */
function unsubscribe(state: ManagerState, rec: ConnRecord, off: (() => void) | undefined): void {
  if (off === undefined) return;
  try {
    off();
  } catch (err) {
    state.reportError(err, 'socket-unsubscribe', rec.id);
  }
}

/**
 * Forgets a connection everywhere, at once: registry, users, threads, cluster admission; writes
 * its session for a later resume; emits `disconnect` with `info` (the caller's fresh object).
 * Idempotent.
 */
export function removeRecord(state: ManagerState, rec: ConnRecord, info: DisconnectInfo): void {
  if (rec.closed) return;
  rec.closed = true;
  rec.queue = undefined;
  unsubscribe(state, rec, rec.offMessage);
  unsubscribe(state, rec, rec.offClose);
  unsubscribe(state, rec, rec.offPong);
  rec.offMessage = rec.offClose = rec.offPong = undefined;
  if (!rec.registered) return;
  state.connections.delete(rec.id);
  if (removeUserConnection(state, rec)) {
    state.cluster
      .onLocalLeave({ kind: 'user', userId: rec.userId })
      .catch((err: unknown) => state.reportError(err, 'cluster-leave', rec.id));
  }
  const memberships = [...rec.threads];
  for (const [t] of memberships) {
    const members = state.threads.get(t);
    if (members === undefined || !members.delete(rec)) continue;
    state.emitter.emit('leave', rec.view, t);
    if (members.size === 0) {
      state.threads.delete(t);
      state.newestJoin.delete(t);
      state.cluster
        .onLocalLeave({ kind: 'thread', threadId: t })
        .catch((err: unknown) => state.reportError(err, 'cluster-leave', rec.id));
    }
  }
  state.cluster
    .release(rec.userId, rec.id, { code: info.code, reason: info.reason })
    .catch((err: unknown) => state.reportError(err, 'cluster-release', rec.id));
  saveSession(state, rec);
  state.m.closed.inc(1, { code: closeCodeLabel(info.code) });
  state.emitter.emit('disconnect', rec.view, info);
}

/** Closes a connection with a close code and forgets it at once (no waiting for the peer). */
export function closeRecord(state: ManagerState, rec: ConnRecord, close: CloseRequest): void {
  if (rec.closed) return;
  const { code, reason } = close;
  try {
    rec.socket.close(code, reason);
  } catch (err) {
    state.reportError(err, 'socket-close', rec.id);
  }
  removeRecord(state, rec, { code, reason, by: 'server' });
}

/** Drops a connection without a close handshake (the peer sees 1006) and forgets it at once. */
export function terminateRecord(state: ManagerState, rec: ConnRecord, reason = 'terminated'): void {
  if (rec.closed) return;
  try {
    rec.socket.terminate();
  } catch (err) {
    state.reportError(err, 'socket-terminate', rec.id);
  }
  removeRecord(state, rec, { code: CloseCode.abnormal, reason, by: 'server' });
}

/** The connection's record; throws `WsError('not_found')` when it is not on this instance. */
export function requireRecord(state: ManagerState, connectionId: ConnectionId): ConnRecord {
  const rec = state.connections.get(connectionId);
  if (rec === undefined)
    throw new WsError('not_found', `no connection ${connectionId} on this instance`);
  return rec;
}

/** Closes a user's connections on this instance (or one of them); answers how many. */
export function closeUserConnections(
  state: ManagerState,
  userId: UserId,
  o: DisconnectOptions,
): number {
  const recs = [...(userConnections(state, userId) ?? [])].filter(
    (r) => o.connectionId === undefined || r.id === o.connectionId,
  );
  const close = { code: o.code ?? CloseCode.normal, reason: o.reason ?? '' };
  for (const rec of recs) closeRecord(state, rec, close);
  return recs.length;
}
