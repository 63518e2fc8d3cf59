import type { PresenceChange, ThreadPresence } from '../cluster.js';
import { WsError, toWsError } from '../errors.js';
import type { ConnectionId, ThreadId } from '../ids.js';
import { isThreadId } from '../ids.js';
import { presencePageDefaults } from '../presenceOptions.js';
import { queuePresenceDiff } from './presenceDiffs.js';
import type { ManagerState } from './state.js';

/** A cluster-wide presence change learned here: counted, emitted, queued for local watchers. */
export function presenceChanged(state: ManagerState, change: PresenceChange): void {
  if (change.joins.length > 0) state.m.presenceChanges.inc(change.joins.length, { kind: 'join' });
  if (change.leaves.length > 0) {
    state.m.presenceChanges.inc(change.leaves.length, { kind: 'leave' });
  }
  state.emitter.emit('presence', change);
  queuePresenceDiff(state, change);
}

/**
 * Counts memberships into the cluster's presence: on every `join` a `presenceJoin` (the user
 * joined when it is their first connection to the thread anywhere), on every `leave` (a leave or
 * a close) the watch ends and a `presenceLeave`. Listens to the manager's own events, so the
 * membership code below knows nothing of presence. Nothing when the adapter keeps no presence.
 */
export function trackPresence(state: ManagerState): void {
  const { cluster } = state;
  if (!hasPresence(state)) return;
  state.emitter.on('join', (conn, threadId) => {
    cluster.presenceJoin?.(threadId, conn.userId, conn.id).then(
      (first) => {
        if (first) presenceChanged(state, { threadId, joins: [conn.userId], leaves: [] });
      },
      (err: unknown) => state.reportError(err, 'presence-join', conn.id),
    );
  });
  state.emitter.on('leave', (conn, threadId) => {
    unwatchPresence(state, conn.id, threadId);
    cluster.presenceLeave?.(threadId, conn.userId, conn.id).then(
      (last) => {
        if (last) presenceChanged(state, { threadId, joins: [], leaves: [conn.userId] });
      },
      (err: unknown) => state.reportError(err, 'presence-leave', conn.id),
    );
  });
}

/** The connection receives the thread's `presence_diff` frames from now on. */
export function watchPresence(state: ManagerState, id: ConnectionId, threadId: ThreadId): void {
  let watchers = state.presence.watchers.get(threadId);
  if (watchers === undefined) {
    watchers = new Set();
    state.presence.watchers.set(threadId, watchers);
  }
  watchers.add(id);
}

/** The connection no longer receives the thread's diffs. */
export function unwatchPresence(state: ManagerState, id: ConnectionId, threadId: ThreadId): void {
  const watchers = state.presence.watchers.get(threadId);
  if (watchers === undefined || !watchers.delete(id) || watchers.size > 0) return;
  state.presence.watchers.delete(threadId);
  state.presence.pending.delete(threadId);
  state.presence.countsOnly.delete(threadId);
}

/** True when presence is on and the cluster adapter keeps it. */
export function hasPresence(state: ManagerState): boolean {
  const c = state.cluster;
  return (
    state.limits.presence.enabled &&
    c.presence !== undefined &&
    c.presenceCount !== undefined &&
    c.presenceJoin !== undefined &&
    c.presenceLeave !== undefined
  );
}

function presenceOff(state: ManagerState): string {
  return state.limits.presence.enabled
    ? `cluster adapter ${state.cluster.name} keeps no presence`
    : 'presence is off (presence.enabled: false)';
}

/** What `manager.presence` was given, unchecked. */
export interface PresenceRequest {
  readonly threadId: ThreadId;
  readonly options: { readonly cursor?: string; readonly limit?: number } | undefined;
}

/**
 * `manager.presence`: a page of the thread's users. Rejects with `WsError`: `bad_request` (a bad
 * thread id or cursor), `invalid_options` (a bad limit), `unavailable` (an adapter without
 * presence), `closed`, or the adapter's error as `cluster_error`.
 */
export async function readPresence(
  state: ManagerState,
  request: PresenceRequest,
): Promise<ThreadPresence> {
  const { threadId, options = {} } = request;
  if (!isThreadId(threadId)) {
    throw new WsError('bad_request', 'thread id must be 1-128 characters of A-Za-z0-9 : _ - . @');
  }
  const { cursor, limit = presencePageDefaults.limit } = options;
  if (cursor !== undefined && typeof cursor !== 'string') {
    throw new WsError('bad_request', 'cursor must be a string (a page\'s "next")');
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > presencePageDefaults.maxLimit) {
    throw new WsError(
      'invalid_options',
      `limit must be an integer from 1 to ${presencePageDefaults.maxLimit}`,
    );
  }
  if (state.lifecycle === 'closed') throw new WsError('closed', 'the manager is closed');
  const { cluster } = state;
  if (cluster.presence === undefined || !hasPresence(state)) {
    throw new WsError('unavailable', presenceOff(state));
  }
  try {
    return await cluster.presence(threadId, {
      ...(cursor === undefined ? {} : { cursor }),
      limit,
    });
  } catch (err) {
    throw toWsError(err, 'cluster_error');
  }
}

/** `manager.presenceCount`: how many users are in the thread (rejects like `presence`). */
export async function readPresenceCount(state: ManagerState, threadId: ThreadId): Promise<number> {
  if (!isThreadId(threadId)) {
    throw new WsError('bad_request', 'thread id must be 1-128 characters of A-Za-z0-9 : _ - . @');
  }
  if (state.lifecycle === 'closed') throw new WsError('closed', 'the manager is closed');
  const { cluster } = state;
  if (cluster.presenceCount === undefined || !hasPresence(state)) {
    throw new WsError('unavailable', presenceOff(state));
  }
  try {
    return await cluster.presenceCount(threadId);
  } catch (err) {
    throw toWsError(err, 'cluster_error');
  }
}
