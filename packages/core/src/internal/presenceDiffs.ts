import type { PresenceChange } from '../cluster.js';
import type { PresenceDiffFrame } from '../frames.js';
import type { ThreadId, UserId } from '../ids.js';
import type { ManagerState, PendingUser } from './state.js';
import { sendControl } from './writing.js';

/** Marks a user present or absent in this interval's changes. */
function mark(users: Map<UserId, PendingUser>, userId: UserId, present: boolean): void {
  const p = users.get(userId);
  if (p === undefined) users.set(userId, { was: !present, now: present });
  else p.now = present;
}

/**
 * Adds a change this instance learned to the next diff of the thread's local watchers (none:
 * nothing is kept). One timer per manager flushes every watched thread's changes at once, so a
 * watcher gets at most one diff per thread per `presence.diffIntervalMs`, however many join.
 */
export function queuePresenceDiff(state: ManagerState, change: PresenceChange): void {
  const { presence } = state;
  if (!presence.watchers.has(change.threadId)) return;
  let users = presence.pending.get(change.threadId);
  if (users === undefined) {
    users = new Map();
    presence.pending.set(change.threadId, users);
  }
  for (const u of change.joins) mark(users, u, true);
  for (const u of change.leaves) mark(users, u, false);
  presence.timer ??= state.clock.setTimeout(() => {
    presence.timer = undefined;
    flushPresenceDiffs(state);
  }, state.limits.presence.diffIntervalMs);
}

/** Stops the flush timer (the manager closes) and forgets what waited. */
export function stopPresenceDiffs(state: ManagerState): void {
  if (state.presence.timer !== undefined) state.clock.clear(state.presence.timer);
  state.presence.timer = undefined;
  state.presence.pending.clear();
}

/** Sends every watched thread's pending diff. */
function flushPresenceDiffs(state: ManagerState): void {
  const pending = [...state.presence.pending];
  state.presence.pending.clear();
  for (const [threadId, users] of pending) {
    const joins: UserId[] = [];
    const leaves: UserId[] = [];
    // A user who came and went (or went and came back) within the interval changed nothing.
    for (const [u, p] of users) {
      if (!p.was && p.now) joins.push(u);
      else if (p.was && !p.now) leaves.push(u);
    }
    if (joins.length + leaves.length === 0) continue;
    diffFor(state, { threadId, joins, leaves }).then(
      (frame) => sendDiff(state, threadId, frame),
      (err: unknown) => state.reportError(err, 'presence-diff'),
    );
  }
}

/**
 * The diff frame of a change: the users, or counts only above `presence.fullListMax` users, or
 * the whole list (`reset`) for a thread that comes back under it.
 */
async function diffFor(state: ManagerState, change: PresenceChange): Promise<PresenceDiffFrame> {
  const { threadId: thread, joins, leaves } = change;
  const max = state.limits.presence.fullListMax;
  const count = (await state.cluster.presenceCount?.(thread)) ?? 0;
  const { countsOnly } = state.presence;
  if (count > max) {
    countsOnly.add(thread);
    return { type: 'presence_diff', thread, joins: joins.length, leaves: leaves.length, count };
  }
  if (!countsOnly.delete(thread)) return { type: 'presence_diff', thread, joins, leaves };
  const all: UserId[] = [];
  let cursor: string | undefined;
  do {
    const page = await state.cluster.presence?.(thread, {
      ...(cursor === undefined ? {} : { cursor }),
      limit: max,
    });
    for (const u of page?.users ?? []) all.push(u.userId);
    cursor = page?.next ?? undefined;
  } while (cursor !== undefined && all.length < max);
  return { type: 'presence_diff', thread, joins: all, leaves: [], reset: true };
}

function sendDiff(state: ManagerState, threadId: ThreadId, frame: PresenceDiffFrame): void {
  const watchers = state.presence.watchers.get(threadId);
  if (watchers === undefined) return;
  const form = typeof frame.joins === 'number' ? 'counts' : 'reset' in frame ? 'reset' : 'list';
  for (const id of watchers) {
    const rec = state.connections.get(id);
    if (rec !== undefined) sendControl(state, rec, frame);
  }
  state.m.presenceDiffs.inc(watchers.size, { form });
}
