import { closeCodeLabel } from '../closeCodes.js';
import type { SessionRecord } from '../cluster.js';
import type { Offset, ThreadId } from '../ids.js';
import { compareOffsets } from '../offsets.js';
import type { ConnRecord, ManagerState } from './state.js';
import { removeUserConnection } from './users.js';

/** Who ended a connection. */
export type ClosedBy = 'server' | 'client';

/** The manager's shared empty thread map and set (connections without threads point at them). */
export function noThreads(state: ManagerState): NonNullable<ManagerState['noThreads']> {
  let none = state.noThreads;
  if (none === undefined) {
    none = { threads: new Map(), threadIds: new Set() };
    state.noThreads = none;
  }
  return none;
}

/** The record's own thread set, created in place of the shared empty one on first need. */
export function ownThreadIds(state: ManagerState, rec: ConnRecord): Set<ThreadId> {
  if (rec.threadIds === state.noThreads?.threadIds) rec.threadIds = new Set();
  return rec.threadIds as Set<ThreadId>;
}

/** The record's own thread map, created in place of the shared empty one on first need. */
function ownThreads(state: ManagerState, rec: ConnRecord): Map<ThreadId, Offset> {
  if (rec.threads === state.noThreads?.threads) rec.threads = new Map();
  return rec.threads as Map<ThreadId, Offset>;
}

/** Writes the connection's session (memberships and first-join offsets) under its token. */
export function saveSession(state: ManagerState, rec: ConnRecord): void {
  // A session without threads restores nothing: no write until it has some (then every change).
  if (rec.threads.size === 0 && !rec.sessionSaved) return;
  rec.sessionSaved = true;
  const threads: Record<string, Offset> = {};
  for (const [t, offset] of rec.threads) threads[t] = offset;
  const session: SessionRecord = { userId: rec.userId, threads, generation: rec.generation };
  state.cluster.saveSession(rec.resumeToken, session, rec.generation).then(
    (saved) => {
      if (!saved)
        state.logger.debug('session not saved: a newer generation holds it', {
          connectionId: rec.id,
        });
    },
    (err: unknown) => state.reportError(err, 'session-save', rec.id),
  );
}

/** Adds a thread membership; tells the cluster when this instance starts holding the thread. */
export function addMembership(
  state: ManagerState,
  rec: ConnRecord,
  threadId: ThreadId,
  offset: Offset,
): void {
  ownThreads(state, rec).set(threadId, offset);
  ownThreadIds(state, rec).add(threadId);
  let members = state.threads.get(threadId);
  if (members === undefined) {
    members = new Set();
    state.threads.set(threadId, members);
    state.cluster
      .onLocalJoin({ kind: 'thread', threadId })
      .catch((err: unknown) => state.reportError(err, 'cluster-join', rec.id));
  }
  members.add(rec);
  const newest = state.newestJoin.get(threadId);
  if (newest === undefined || compareOffsets(offset, newest) > 0)
    state.newestJoin.set(threadId, offset);
}

/** Removes a thread membership; tells the cluster when this instance no longer holds the thread. */
export function removeMembership(state: ManagerState, rec: ConnRecord, threadId: ThreadId): void {
  if (rec.threads.has(threadId)) ownThreads(state, rec).delete(threadId);
  if (rec.threadIds.has(threadId)) ownThreadIds(state, rec).delete(threadId);
  rec.resyncPending?.delete(threadId);
  const members = state.threads.get(threadId);
  if (members === undefined) return;
  members.delete(rec);
  if (members.size === 0) {
    state.threads.delete(threadId);
    state.newestJoin.delete(threadId);
    state.cluster
      .onLocalLeave({ kind: 'thread', threadId })
      .catch((err: unknown) => state.reportError(err, 'cluster-leave', rec.id));
  }
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
 * its session for a later resume; emits `disconnect`. Idempotent.
 */
export function removeRecord(
  state: ManagerState,
  rec: ConnRecord,
  code: number,
  reason: string,
  by: ClosedBy,
): void {
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
    if (members === undefined) continue;
    members.delete(rec);
    if (members.size === 0) {
      state.threads.delete(t);
      state.newestJoin.delete(t);
      state.cluster
        .onLocalLeave({ kind: 'thread', threadId: t })
        .catch((err: unknown) => state.reportError(err, 'cluster-leave', rec.id));
    }
  }
  state.cluster
    .release(rec.userId, rec.id)
    .catch((err: unknown) => state.reportError(err, 'cluster-release', rec.id));
  saveSession(state, rec);
  state.m.closed.inc(1, { code: closeCodeLabel(code) });
  state.emitter.emit('disconnect', rec.view, { code, reason, by });
}

/** Closes a connection with a close code and forgets it at once (no waiting for the peer). */
export function closeRecord(state: ManagerState, rec: ConnRecord, code: number, reason = ''): void {
  if (rec.closed) return;
  try {
    rec.socket.close(code, reason);
  } catch (err) {
    state.reportError(err, 'socket-close', rec.id);
  }
  removeRecord(state, rec, code, reason, 'server');
}

/** Drops a connection without a close handshake (the peer sees 1006) and forgets it at once. */
export function terminateRecord(state: ManagerState, rec: ConnRecord, reason = 'terminated'): void {
  if (rec.closed) return;
  try {
    rec.socket.terminate();
  } catch (err) {
    state.reportError(err, 'socket-terminate', rec.id);
  }
  removeRecord(state, rec, 1006, reason, 'server');
}
