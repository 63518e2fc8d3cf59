import { WsError } from '../errors.js';
import type { ConnectionId, ThreadId } from '../ids.js';
import { threadId as asThreadId } from '../ids.js';
import { addMembership, removeMembership, saveSession } from './memberships.js';
import { requireRecord } from './records.js';
import type { ConnRecord, ManagerState } from './state.js';

/** Joins a connection to a thread at the thread's current offset; no authorization here. */
export async function joinRecord(
  state: ManagerState,
  rec: ConnRecord,
  threadId: ThreadId,
): Promise<void> {
  if (rec.threads.has(threadId)) return;
  (rec.pendingJoins ??= new Set()).add(threadId);
  const offset = await state.cluster.threadOffset(threadId);
  // A leave that came while the cluster answered cancels this join.
  if (rec.pendingJoins?.delete(threadId) !== true || rec.closed || rec.threads.has(threadId))
    return;
  addMembership(state, rec, [threadId, offset]);
  saveSession(state, rec);
}

/** Leaves a thread (and cancels a join still waiting for the cluster). */
export function leaveRecord(state: ManagerState, rec: ConnRecord, threadId: ThreadId): void {
  rec.pendingJoins?.delete(threadId);
  if (!rec.threads.has(threadId)) return;
  removeMembership(state, rec, threadId);
  saveSession(state, rec);
}

/** `manager.joinThread`: joins by ids, within the thread limit (no `authorizeThread`). */
export async function joinThread(
  state: ManagerState,
  connectionId: ConnectionId,
  threadId: ThreadId,
): Promise<void> {
  asThreadId(threadId);
  const rec = requireRecord(state, connectionId);
  const max = state.limits.maxThreadsPerConnection;
  if (!rec.threads.has(threadId) && rec.threads.size >= max) {
    throw new WsError('forbidden', `thread limit reached (${max})`);
  }
  await joinRecord(state, rec, threadId);
}
