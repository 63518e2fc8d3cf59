import type { SessionRecord } from '../cluster.js';
import type { Offset, ThreadId } from '../ids.js';
import { compareOffsets } from '../offsets.js';
import type { ConnRecord, ManagerState } from './state.js';

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

/** One thread membership: the thread, and the offset at which the session first joined it. */
export type Membership = readonly [threadId: ThreadId, offset: Offset];

/** Adds a thread membership; tells the cluster when this instance starts holding the thread. */
export function addMembership(state: ManagerState, rec: ConnRecord, membership: Membership): void {
  const [threadId, offset] = membership;
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
  state.emitter.emit('join', rec.view, threadId);
}

/** Removes a thread membership; tells the cluster when this instance no longer holds the thread. */
export function removeMembership(state: ManagerState, rec: ConnRecord, threadId: ThreadId): void {
  if (rec.threads.has(threadId)) ownThreads(state, rec).delete(threadId);
  if (rec.threadIds.has(threadId)) ownThreadIds(state, rec).delete(threadId);
  rec.resyncPending?.delete(threadId);
  const members = state.threads.get(threadId);
  if (members === undefined || !members.delete(rec)) return;
  state.emitter.emit('leave', rec.view, threadId);
  if (members.size === 0) {
    state.threads.delete(threadId);
    state.newestJoin.delete(threadId);
    state.cluster
      .onLocalLeave({ kind: 'thread', threadId })
      .catch((err: unknown) => state.reportError(err, 'cluster-leave', rec.id));
  }
}
